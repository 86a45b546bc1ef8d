package io.mlops.djl.internal;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/** The params and tags that describe a DJL training: what the trainer and its configuration show. */
public final class TrainingParams {
  /** Longest value written: joined names are cut there (MLflow's oldest servers allow 500 characters). */
  static final int MAX_VALUE = 500;

  private TrainingParams() {}

  /**
   * At the training's start: the model name, data type, loss, evaluators, devices and, when the configuration is
   * known, the optimizer and initializers with their settings.
   */
  public static Map<String, String> atStart(Trainer trainer, TrainingConfig config, String evaluatorNames) {
    Map<String, String> p = new LinkedHashMap<>();
    Model model = trainer.getModel();
    p.put("model_name", model.getName());
    p.put("data_type", String.valueOf(model.getDataType()));
    p.put("loss", trainer.getLoss().getName());
    if (!evaluatorNames.isEmpty()) {
      p.put("evaluators", cut(evaluatorNames));
    }
    StringBuilder devices = new StringBuilder();
    for (Device d : trainer.getDevices()) {
      devices.append(devices.length() == 0 ? "" : ",").append(d);
    }
    p.put("devices", cut(devices.toString()));
    if (config != null) {
      if (config.getOptimizer() != null) {
        p.put("optimizer", config.getOptimizer().getClass().getSimpleName());
        ObjectSettings.of(config.getOptimizer(), "optimizer.").forEach((k, v) -> p.put(k, cut(v)));
      }
      StringBuilder names = new StringBuilder();
      Initializer only = null;
      int count = 0;
      for (Pair<Initializer, ?> pair : config.getInitializers()) {
        names.append(names.length() == 0 ? "" : ",").append(pair.getKey().getClass().getSimpleName());
        only = pair.getKey();
        count++;
      }
      if (count > 0) {
        p.put("initializer", cut(names.toString()));
      }
      if (count == 1) {
        ObjectSettings.of(only, "initializer.").forEach((k, v) -> p.put(k, cut(v)));
      }
    }
    return p;
  }

  /** The tags: DJL's version, the engine's name and version. */
  public static Map<String, String> tags(Trainer trainer, String djlVersionTag, String engineTag,
      String engineVersionTag) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put(djlVersionTag, Engine.getDjlVersion());
    Engine engine = trainer.getManager().getEngine();
    t.put(engineTag, engine.getEngineName());
    t.put(engineVersionTag, engine.getVersion());
    return t;
  }

  /** The number of values in the block's parameters (known once it is initialized), or -1 before that. */
  public static long parameterCount(Block block) {
    if (block == null || !block.isInitialized()) {
      return -1;
    }
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      if (parameter.isInitialized()) {
        NDArray a = parameter.getArray();
        n += a.size();
      }
    }
    return n;
  }

  private static String cut(String s) {
    return s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE);
  }
}
