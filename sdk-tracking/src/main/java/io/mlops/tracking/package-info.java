/**
 * The in-process tracker for training code: {@link io.mlops.tracking.Tracker} opens candidates
 * ({@link io.mlops.tracking.ActiveCandidate}) and logs params, metrics, tags and artifacts into them.
 */
package io.mlops.tracking;
