package io.mlops.tracking;

/** What a log call does when the in-memory queue is full (the backend is slower than the training loop). */
public enum FullQueuePolicy {
  /** Write the point to the on-disk journal; it is delivered later. Nothing is dropped. The default. */
  SPILL,
  /** Wait for room, up to the builder's block timeout; then drop the point (counted, warned). */
  BLOCK,
  /** Drop the point at once (counted; a warning at most once per interval). */
  DROP
}
