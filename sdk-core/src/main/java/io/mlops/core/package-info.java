/**
 * Public API of the SDK's core: domain values ({@link io.mlops.core.Experiment}, {@link io.mlops.core.Candidate},
 * {@link io.mlops.core.Metric}, ...), configuration ({@link io.mlops.core.MlopsConfig}), the error hierarchy rooted
 * at {@link io.mlops.core.MlopsException}, and the synchronous {@link io.mlops.core.TrackingClient}.
 *
 * <p>Value types are immutable; each has a static {@code builder()} or {@code of(...)} factory.
 */
@io.mlops.core.internal.ValueStyle
package io.mlops.core;

