/**
 * Test support: {@link io.mlops.testing.InMemoryBackend}, a backend in memory for users' tests (also reached by
 * the tracking URI {@code memory://<name>}), and the compatibility kits that every backend passes
 * ({@link io.mlops.testing.BackendCompatibilityKit}, {@link io.mlops.testing.RegistryCompatibilityKit},
 * {@link io.mlops.testing.CandidateSyncKit}), JUnit 5 classes that a backend's tests extend. See
 * {@code docs/testing.md}.
 */
package io.mlops.testing;
