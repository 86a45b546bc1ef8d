package io.mlops.core.internal;

import io.mlops.core.MlopsException;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.PagedIterable;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TransportException;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.Operation;
import io.mlops.core.spi.RegistryStore;
import java.time.Duration;
import java.util.Optional;

/**
 * The one place that keeps a semantic version ({@value ModelVersion#SEMVER_TAG}) unique per model, for every
 * backend (the contract is written on {@link RegistryStore#createModelVersion}). No backend has a unique constraint
 * on a tag, and two processes may promote the same version at the same moment, so a create is three steps:
 *
 * <ol>
 *   <li>Refuse at once when a version of the model already carries an equivalent semver.</li>
 *   <li>Create the version, its semver tag in the create request itself, so it is never visible without it.</li>
 *   <li>List the model's versions again. Backends number a version {@code max + 1} when they commit it, so a
 *       version with a lower number was committed before ours was numbered and this listing, which runs after our
 *       commit, sees it. So every creator of one semver sees the version with the lowest number, and all agree it
 *       wins: its creator keeps it; every other creator deletes its own version and fails with
 *       {@link ResourceAlreadyExistsException}, as when the semver had been taken long before. Losers delete only
 *       their own version, so exactly one version per semver remains.</li>
 * </ol>
 *
 * <p>When the check itself fails (the server stopped answering) nobody can tell whether we won, so our version is
 * removed (best effort) and the failure rethrown: a caller may then see no version, never two.
 *
 * <p>"Equivalent" is semantic-version equality without build metadata ({@code 1.0.0} and {@code 1.0.0+build.7}
 * are one version), as in SemVer 2.0.0 §10.
 */
public final class SemverUniqueness {
  /** Retries of a loser's self-delete after a transient failure. */
  private static final Backoff SELF_DELETE_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 3);

  private SemverUniqueness() {}

  /**
   * Creates a version through {@code store}, keeping its semver (if it has one) unique in its model.
   *
   * @throws ResourceAlreadyExistsException when another version of the model carries an equivalent semver
   */
  public static ModelVersion create(RegistryStore store, Capabilities capabilities, NewModelVersion version) {
    String semver = version.tags().get(ModelVersion.SEMVER_TAG);
    if (semver == null) {
      return store.createModelVersion(version);
    }
    String name = version.modelName();
    Optional<ModelVersion> taken = lowest(store, name, semver, null);
    if (taken.isPresent()) {
      throw taken(name, semver, taken.get(), null);
    }
    ModelVersion created = store.createModelVersion(version);
    ModelVersion winner;
    try {
      winner = lowest(store, name, semver, created).orElse(created);
    } catch (RuntimeException e) {
      deleteOwn(store, capabilities, created, e);
      throw e;
    }
    if (!winner.version().equals(created.version())) {
      ResourceAlreadyExistsException lost = taken(name, semver, winner, "another promotion created it first");
      deleteOwn(store, capabilities, created, lost);
      throw lost;
    }
    return created;
  }

  /** True when two semver strings name the same version: equal once build metadata is dropped. */
  public static boolean equivalent(String a, String b) {
    return withoutBuild(a).equals(withoutBuild(b));
  }

  private static String withoutBuild(String semver) {
    String s = semver.trim();
    int plus = s.indexOf('+');
    return plus < 0 ? s : s.substring(0, plus);
  }

  /** The model's version with an equivalent semver and the lowest number, {@code ours} included when given. */
  private static Optional<ModelVersion> lowest(RegistryStore store, String name, String semver, ModelVersion ours) {
    ModelVersion lowest = ours; // always in the running, even if the listing has not caught up with it
    for (ModelVersion v : new PagedIterable<>(Optional.empty(), token -> store.listModelVersions(name, token))) {
      boolean same = ours != null && v.version().equals(ours.version())
          || v.semver().map(s -> equivalent(s, semver)).orElse(false);
      if (same && (lowest == null || VersionNumbers.ORDER.compare(v.version(), lowest.version()) < 0)) {
        lowest = v;
      }
    }
    return Optional.ofNullable(lowest);
  }

  private static ResourceAlreadyExistsException taken(String name, String semver, ModelVersion holder, String how) {
    return new ResourceAlreadyExistsException("Version " + semver + " of model '" + name + "' already exists"
        + (how == null ? "" : ": " + how) + " (backend version " + holder.version() + ")");
  }

  /** Deletes a version this create made; one already gone is what we want. */
  private static void deleteOwn(RegistryStore store, Capabilities capabilities, ModelVersion own,
      RuntimeException cause) {
    if (!capabilities.supports(Operation.DELETE_MODEL_VERSION)) {
      cause.addSuppressed(new MlopsException(capabilities.backendName() + " cannot delete model versions: version "
          + own.version() + " of model '" + own.modelName() + "' remains and must be removed by hand"));
      return;
    }
    // Repeating this delete is safe (a version already gone is what we want), so a transient failure is retried
    // here, where that is known; the transport does not retry deletes.
    Backoff.Sequence delays = SELF_DELETE_BACKOFF.sequence();
    while (true) {
      try {
        store.deleteModelVersion(own.modelName(), own.version());
        return;
      } catch (ResourceNotFoundException gone) {
        return; // deleted by an earlier attempt whose answer was lost
      } catch (RuntimeException e) {
        long delay = isTransient(e) ? delays.next() : -1;
        if (delay < 0) {
          cause.addSuppressed(e);
          return;
        }
        try {
          Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          cause.addSuppressed(e);
          return;
        }
      }
    }
  }

  private static boolean isTransient(RuntimeException e) {
    return e instanceof TransportException || e instanceof MlopsServiceException
        && ((MlopsServiceException) e).isRetryable();
  }
}
