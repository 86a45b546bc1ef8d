package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.junit.jupiter.api.Test;

/** Key scheme and values of {@link StageParams}; Spark ML stages are plain objects, so no session is needed. */
class StageParamsTest {
  private static Map<String, String> params(org.apache.spark.ml.param.Params stage, int max) {
    return StageParams.asMap(StageParams.of(stage, max));
  }

  @Test
  void aStage_hasItsClassNameAndParamName_withSetValuesAndDefaults() {
    LogisticRegression lr = new LogisticRegression().setRegParam(0.25).setMaxIter(7);
    Map<String, String> p = params(lr, 6000);
    assertThat(p).containsEntry("LogisticRegression.regParam", "0.25")
        .containsEntry("LogisticRegression.maxIter", "7")
        .containsEntry("LogisticRegression.elasticNetParam", "0.0") // a default, not set
        .containsEntry("LogisticRegression.family", "auto")
        .containsEntry("LogisticRegression.featuresCol", "features");
    // exactly the params Spark says are defined (set or default), and no uid anywhere
    long defined = java.util.Arrays.stream(lr.params()).filter(lr::isDefined).count();
    assertThat(p).hasSize((int) defined);
    assertThat(String.join(",", p.keySet())).doesNotContain(lr.uid());
  }

  @Test
  void aPipeline_prefixesEachStageWithItsIndex_andANestedPipelineAddsItsOwn() {
    Pipeline text = new Pipeline().setStages(new PipelineStage[] {
        new Tokenizer().setInputCol("text").setOutputCol("words"),
        new HashingTF().setInputCol("words").setOutputCol("tf").setNumFeatures(64)});
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features"),
        text,
        new LogisticRegression().setRegParam(0.1)});
    Map<String, String> p = params(pipeline, 6000);
    assertThat(p).containsEntry("0.VectorAssembler.inputCols", "[x1, x2]")
        .containsEntry("0.VectorAssembler.outputCol", "features")
        .containsEntry("1.0.Tokenizer.inputCol", "text")
        .containsEntry("1.1.HashingTF.numFeatures", "64")
        .containsEntry("2.LogisticRegression.regParam", "0.1");
    assertThat(p.keySet()).allMatch(k -> k.matches("[0-9]+\\.([0-9]+\\.)?[A-Za-z]+\\.[A-Za-z]+"));
  }

  @Test
  void aTuner_namesItsEstimatorAndEvaluator_andNestsTheirParams_butLeavesOutTheGrid() {
    LogisticRegression lr = new LogisticRegression();
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.1, 1.0}).build();
    CrossValidator cv = new CrossValidator().setEstimator(lr).setEvaluator(new BinaryClassificationEvaluator())
        .setEstimatorParamMaps(grid).setNumFolds(3).setSeed(5L);
    Map<String, String> p = params(cv, 6000);
    assertThat(p).containsEntry("CrossValidator.numFolds", "3")
        .containsEntry("CrossValidator.seed", "5")
        .containsEntry("CrossValidator.estimator", "LogisticRegression")
        .containsEntry("CrossValidator.estimator.LogisticRegression.regParam", "0.0")
        .containsEntry("CrossValidator.evaluator", "BinaryClassificationEvaluator")
        .containsEntry("CrossValidator.evaluator.BinaryClassificationEvaluator.metricName", "areaUnderROC")
        .doesNotContainKey("CrossValidator.estimatorParamMaps");
  }

  @Test
  void aValueLongerThanTheLimit_isCutToIt() {
    String[] cols = new String[40];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = "column_" + i;
    }
    Map<String, String> p = params(new VectorAssembler().setInputCols(cols).setOutputCol("f"), 50);
    assertThat(p.get("VectorAssembler.inputCols")).hasSize(50).startsWith("[column_0, column_1, ");
    assertThat(p).containsEntry("VectorAssembler.outputCol", "f");
    assertThatThrownBy(() -> StageParams.of(new VectorAssembler(), 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void arraysAndNumbers_renderReadably() {
    assertThat(StageParams.render(new double[] {0.5, 1.5})).isEqualTo("[0.5, 1.5]");
    assertThat(StageParams.render(new int[] {1, 2})).isEqualTo("[1, 2]");
    assertThat(StageParams.render(new String[][] {{"a"}, {"b", "c"}})).isEqualTo("[[a], [b, c]]");
    assertThat(StageParams.render(3L)).isEqualTo("3");
    assertThat(StageParams.render(Boolean.TRUE)).isEqualTo("true");
  }

  @Test
  void aClassNameWithCharactersKeysCannotHold_isSanitized() {
    Object anonymous = new Object() { };
    assertThat(StageParams.stageName(anonymous)).isEqualTo("Stage");
    assertThat(StageParams.stageName(new Inner$Stage())).isEqualTo("Inner_Stage");
    List<StageParams.Entry> entries = StageParams.of(new LogisticRegression(), 6000);
    assertThat(entries).allSatisfy(e -> assertThat(e.param().parent()).isNotEmpty());
  }

  private static final class Inner$Stage { }
}
