package io.mlops.spark.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;

/**
 * Flattens a Spark ML stage's params (explicitly set, else default) into param keys and string values.
 *
 * <p>The key scheme is positional, so that two runs of the same pipeline get the same keys (uids are random per
 * instance):
 *
 * <ul>
 *   <li>a stage: {@code <StageClass>.<param>}, e.g. {@code LogisticRegression.regParam};
 *   <li>a {@code Pipeline} or {@code PipelineModel}: each stage under its index, {@code <i>.<StageClass>.<param>},
 *       e.g. {@code 1.LogisticRegression.regParam}; a nested pipeline adds its index, {@code 1.0.Tokenizer.inputCol};
 *   <li>a param whose value is itself a stage (a tuner's {@code estimator} and {@code evaluator}): the value is the
 *       stage's class name, and the stage's own params follow under {@code <key>.}, e.g.
 *       {@code CrossValidatorModel.estimator.1.LogisticRegression.regParam}.
 * </ul>
 *
 * <p>{@code <StageClass>} is the class's simple name, with anything but letters, digits and {@code _} replaced by
 * {@code _}. A tuner's {@code estimatorParamMaps} is left out: the grid is logged as child candidates. Values:
 * strings as they are, numbers and booleans with {@code toString}, arrays as {@code [a, b]}, vectors and matrices
 * as Spark prints them; a value longer than the backend's limit is cut to it (a param cannot be re-logged with
 * another value, so a cut value is better than a refused one).
 */
public final class StageParams {
  /** One param of one stage, with its key. */
  public static final class Entry {
    private final Param<?> param;
    private final String key;
    private final String value;

    Entry(Param<?> param, String key, String value) {
      this.param = param;
      this.key = key;
      this.value = value;
    }

    /** The Spark param (its parent is the owning stage's uid). */
    public Param<?> param() {
      return param;
    }

    /** The param key. */
    public String key() {
      return key;
    }

    /** The value as logged. */
    public String value() {
      return value;
    }
  }

  private final int maxValueLength;
  private final List<Entry> entries = new ArrayList<>();

  private StageParams(int maxValueLength) {
    this.maxValueLength = maxValueLength;
  }

  /**
   * The entries of {@code stage}, in walk order (stages in pipeline order, each stage's params by name).
   *
   * @param maxValueLength the backend's longest param value
   */
  public static List<Entry> of(Params stage, int maxValueLength) {
    if (maxValueLength < 1) {
      throw new IllegalArgumentException("maxValueLength must be positive: " + maxValueLength);
    }
    StageParams walk = new StageParams(maxValueLength);
    walk.visit(stage, "");
    return Collections.unmodifiableList(walk.entries);
  }

  /** The entries as a key-to-value map, in walk order. */
  public static Map<String, String> asMap(List<Entry> entries) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      out.put(e.key(), e.value());
    }
    return out;
  }

  /** The simple class name of a stage, as it appears in keys. */
  public static String stageName(Object stage) {
    String simple = stage.getClass().getSimpleName();
    if (simple.isEmpty()) { // an anonymous class
      return "Stage";
    }
    StringBuilder out = new StringBuilder(simple.length());
    for (int i = 0; i < simple.length(); i++) {
      char c = simple.charAt(i);
      out.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
    }
    return out.toString();
  }

  private void visit(Params stage, String path) {
    PipelineStage[] stages = pipelineStages(stage);
    if (stages != null) {
      for (int i = 0; i < stages.length; i++) {
        visit(stages[i], path + i + ".");
      }
      return;
    }
    String prefix = path + stageName(stage) + ".";
    ParamMap values = stage.extractParamMap();
    for (Param<?> param : stage.params()) {
      if (!values.contains(param)) {
        continue; // neither set nor with a default
      }
      Object value = values.apply(param);
      String key = prefix + param.name();
      if (value == null || value instanceof ParamMap[]) {
        continue;
      }
      if (value instanceof Params) {
        add(param, key, stageName(value));
        visit((Params) value, key + ".");
      } else {
        add(param, key, render(value));
      }
    }
  }

  private static PipelineStage[] pipelineStages(Params stage) {
    if (stage instanceof Pipeline) {
      return ((Pipeline) stage).getStages();
    }
    if (stage instanceof PipelineModel) {
      return ((PipelineModel) stage).stages();
    }
    return null;
  }

  private void add(Param<?> param, String key, String value) {
    entries.add(new Entry(param, key, value.length() > maxValueLength ? value.substring(0, maxValueLength) : value));
  }

  /** A param value as text. */
  static String render(Object value) {
    if (value instanceof Object[]) {
      return Arrays.deepToString((Object[]) value);
    }
    if (value instanceof double[]) {
      return Arrays.toString((double[]) value);
    }
    if (value instanceof int[]) {
      return Arrays.toString((int[]) value);
    }
    if (value instanceof long[]) {
      return Arrays.toString((long[]) value);
    }
    if (value instanceof float[]) {
      return Arrays.toString((float[]) value);
    }
    return String.valueOf(value);
  }
}
