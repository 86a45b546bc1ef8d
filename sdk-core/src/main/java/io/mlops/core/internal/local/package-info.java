/**
 * The local store: MLflow's file-store layout ({@code mlruns/}) on the local disk. <b>Not API.</b>
 *
 * <p>Crash and concurrency rules: metadata files are replaced atomically (write a temporary file, fsync, rename);
 * params are created once (hard link of a complete temporary file, so a reader never sees half a value); metric
 * lines are appended whole with one {@code O_APPEND} write; a torn last metric line is skipped on read and cut off
 * before the next append. Temporary files live in the run or experiment folder itself, which MLflow never scans
 * for entries, so MLflow's reader never sees them.
 */
package io.mlops.core.internal.local;
