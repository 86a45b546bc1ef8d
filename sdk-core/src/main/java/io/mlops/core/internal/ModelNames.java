package io.mlops.core.internal;

import io.mlops.core.InvalidParameterException;

/**
 * The model-name rule every MLflow registry store applies ({@code _validate_model_name} of
 * {@code mlflow/utils/validation.py}), beyond what {@link EntityValidator#modelName} checks at the client: a name
 * is given, and has no {@code '/'} or {@code ':'}, which would make its {@code models:/} URI ambiguous.
 */
public final class ModelNames {
  private ModelNames() {}

  /**
   * Checks a model name.
   *
   * @throws InvalidParameterException for a missing name or one with {@code '/'} or {@code ':'}
   */
  public static void check(String name) {
    if (name == null || name.trim().isEmpty()) {
      throw new InvalidParameterException("Missing value for required parameter 'name'.");
    }
    if (name.indexOf('/') >= 0 || name.indexOf(':') >= 0) {
      throw new InvalidParameterException("Invalid model name '" + name + "'. Names cannot contain '/' or ':'.");
    }
  }
}
