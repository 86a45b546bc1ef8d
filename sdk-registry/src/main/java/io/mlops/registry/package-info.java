/**
 * The model registry (semver model versions, promotion, aliases, model URIs). This module has no API yet; it is
 * being built on top of {@code io.mlops.core} (design §7).
 */
package io.mlops.registry;
