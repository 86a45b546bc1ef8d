/**
 * The model registry: promote a candidate into an immutable, semantically versioned model version
 * ({@link io.mlops.registry.ModelRegistry#promote}), move aliases such as {@code champion}, resolve model URIs
 * ({@code models:/churn@champion}) and download a version's files.
 */
@Value.Style(
    jdkOnly = true,
    visibility = Value.Style.ImplementationVisibility.PUBLIC,
    defaults = @Value.Immutable(copy = true))
package io.mlops.registry;

import org.immutables.value.Value;
