package io.mlops.registry;

import io.mlops.core.Model;
import org.immutables.value.Value;

/** One row of a listing across several registries: the model and where it lives. */
@Value.Immutable
public interface ModelListing {
  /** The name given to the registry it came from (a project, a team server). */
  @Value.Parameter
  String registry();

  /** The model. */
  @Value.Parameter
  Model model();

  /** A row. */
  static ModelListing of(String registry, Model model) {
    return ImmutableModelListing.of(registry, model);
  }
}
