/**
 * The model registry: promote a candidate into an immutable, semantically versioned model version
 * ({@link io.mlops.registry.ModelRegistry#promote}), move aliases such as {@code champion}, resolve model URIs
 * ({@code models:/churn@champion}) and download a version's files.
 */
@io.mlops.core.internal.ValueStyle
package io.mlops.registry;

