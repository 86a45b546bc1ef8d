package io.mlops.registry;

import io.mlops.core.ValidationException;
import io.mlops.core.internal.EntityValidator;
import java.util.Objects;

/**
 * A model URI: {@code models:/<name>/<semver>}, {@code models:/<name>/<number>} (MLflow's own form, the backend's
 * version number), {@code models:/<name>@<alias>} or {@code models:/<name>/latest}. A semantic version always has two
 * dots and a number none, so {@code models:/churn/3} and {@code models:/churn/3.0.0} never mean the same thing.
 */
public final class ModelUri {
  /** What the URI points at. */
  public enum Kind {
    /** A semantic version, {@code models:/churn/1.4.0}. */
    VERSION,
    /** An alias, {@code models:/churn@champion}. */
    ALIAS,
    /** The latest version, {@code models:/churn/latest} (see {@link ModelRegistry#latest(String)}). */
    LATEST,
    /** The backend's version number, {@code models:/churn/3}: MLflow's own version URIs. */
    NUMBER
  }

  private static final String SCHEME = "models:/";

  private final String modelName;
  private final Kind kind;
  private final String reference;

  private ModelUri(String modelName, Kind kind, String reference) {
    this.modelName = modelName;
    this.kind = kind;
    this.reference = reference;
  }

  /**
   * Parses a model URI.
   *
   * @throws ValidationException for anything else, saying which form is expected
   */
  public static ModelUri parse(String uri) {
    if (uri == null || !uri.startsWith(SCHEME) || uri.length() == SCHEME.length()) {
      throw invalid(uri);
    }
    String rest = uri.substring(SCHEME.length());
    int at = rest.lastIndexOf('@');
    int slash = rest.lastIndexOf('/');
    if (at > 0 && at > slash) {
      String name = rest.substring(0, at);
      String alias = rest.substring(at + 1);
      EntityValidator.modelName(name);
      EntityValidator.alias(alias);
      return new ModelUri(name, Kind.ALIAS, alias);
    }
    if (slash <= 0 || slash == rest.length() - 1) {
      throw invalid(uri);
    }
    String name = rest.substring(0, slash);
    String ref = rest.substring(slash + 1);
    EntityValidator.modelName(name);
    if (ref.equalsIgnoreCase("latest")) { // MLflow compares the suffix case-insensitively (_parse_model_uri)
      return new ModelUri(name, Kind.LATEST, "latest");
    }
    if (VersionRef.isNumber(ref)) {
      return new ModelUri(name, Kind.NUMBER, VersionRef.number(ref));
    }
    SemanticVersion.parse(ref);
    return new ModelUri(name, Kind.VERSION, ref);
  }

  /**
   * {@code models:/<name>/<number>}: the version the backend numbers so (MLflow's version numbers 1, 2, 3).
   *
   * @throws ValidationException when {@code number} is not a non-negative integer
   */
  public static ModelUri number(String modelName, String number) {
    EntityValidator.modelName(modelName);
    if (!VersionRef.isNumber(number)) {
      throw new ValidationException(String.valueOf(number), "version-number", "'" + number
          + "' is not a version number: MLflow numbers versions 1, 2, 3");
    }
    return new ModelUri(modelName, Kind.NUMBER, VersionRef.number(number));
  }

  /** {@code models:/<name>/<semver>}. */
  public static ModelUri version(String modelName, String semver) {
    EntityValidator.modelName(modelName);
    SemanticVersion.parse(semver);
    return new ModelUri(modelName, Kind.VERSION, semver);
  }

  /** {@code models:/<name>@<alias>}. */
  public static ModelUri alias(String modelName, String alias) {
    EntityValidator.modelName(modelName);
    EntityValidator.alias(alias);
    return new ModelUri(modelName, Kind.ALIAS, alias);
  }

  /** {@code models:/<name>/latest}. */
  public static ModelUri latest(String modelName) {
    EntityValidator.modelName(modelName);
    return new ModelUri(modelName, Kind.LATEST, "latest");
  }

  /** The model's name. */
  public String modelName() {
    return modelName;
  }

  /** What the URI points at. */
  public Kind kind() {
    return kind;
  }

  /** The semantic version, the version number, the alias, or {@code latest}. */
  public String reference() {
    return reference;
  }

  private static ValidationException invalid(String uri) {
    return new ValidationException(String.valueOf(uri), "model-uri", "'" + uri + "' is not a model URI: use "
        + "models:/<name>/<semver>, models:/<name>/<version number>, models:/<name>@<alias> or models:/<name>/latest");
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelUri)) {
      return false;
    }
    ModelUri u = (ModelUri) o;
    return u.modelName.equals(modelName) && u.kind == kind && u.reference.equals(reference);
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelName, kind, reference);
  }

  @Override
  public String toString() {
    return SCHEME + modelName + (kind == Kind.ALIAS ? "@" : "/") + reference;
  }
}
