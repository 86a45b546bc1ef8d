package io.mlops.spark.internal;

import io.mlops.tracking.ActiveCandidate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The hand-off between {@code MlopsSparkListener} and a {@code MlopsQueryListener} that Spark created from
 * {@code spark.sql.queryExecutionListeners} (with no arguments, one per session): per running application, by its
 * application id, the {@link DatasourceTags} of the application's candidate. The Spark listener {@linkplain #bind
 * binds} its candidate when it starts and {@linkplain #release releases} it at the application's end; the query
 * listeners of all sessions of the application record into the same tags, so their lines add up. One entry per
 * running {@code SparkContext} of the JVM.
 */
public final class ApplicationDatasources {
  private static final ConcurrentMap<String, DatasourceTags> BY_APP_ID = new ConcurrentHashMap<>();

  private ApplicationDatasources() {}

  /**
   * The tags of the application, created unbound when its candidate has not started yet (datasets recorded
   * meanwhile are set on the candidate when it is bound). {@code maxLength} counts only when this call creates
   * them; in the usual order the Spark listener binds first, with its backend's limit.
   */
  public static DatasourceTags forApplication(String appId, int maxLength) {
    return BY_APP_ID.computeIfAbsent(appId, id -> new DatasourceTags(maxLength));
  }

  /**
   * Binds the application's candidate: what the query listeners recorded so far, and from now on, goes on it. The
   * first candidate bound stays: a second listener of the same application does not take its place.
   *
   * @return true when {@code candidate} was bound by this call
   */
  public static boolean bind(String appId, ActiveCandidate candidate, int maxLength) {
    return forApplication(appId, maxLength).bindIfUnbound(candidate);
  }

  /** Forgets the application (at its end), if {@code candidate} is the one bound to it. */
  public static void release(String appId, ActiveCandidate candidate) {
    BY_APP_ID.computeIfPresent(appId, (id, tags) -> tags.candidate() == candidate ? null : tags);
  }
}
