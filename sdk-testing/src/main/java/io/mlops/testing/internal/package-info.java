/**
 * The in-memory backend behind {@link io.mlops.testing.InMemoryBackend}: its stores, the named-store registry and
 * the {@code memory:} backend provider. <b>Not API</b>: this package is internal and anything here may change in any
 * release.
 */
package io.mlops.testing.internal;
