package io.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewCandidate;
import io.mlops.core.NewModelVersion;
import io.mlops.core.Param;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several threads writing into one in-memory store at once: nothing is lost, nothing doubled. */
class InMemoryConcurrencyTest {
  private static final int THREADS = 8;
  private final InMemoryBackend backend = InMemoryBackend.create();
  private final MlopsConfig config = MlopsConfig.builder().trackingUri(backend.trackingUri()).build();
  private final TrackingClient client = TrackingClient.create(config, backend);
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void close() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    client.close();
  }

  /** Runs {@code task(i)} on every thread at once (released together by a latch) and returns the results. */
  private <T> List<T> onEveryThread(java.util.function.IntFunction<T> task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int i = t;
      Callable<T> call = () -> {
        start.await();
        return task.apply(i);
      };
      futures.add(pool.submit(call));
    }
    start.countDown();
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(f.get(30, TimeUnit.SECONDS));
    }
    return out;
  }

  @Test
  void manyThreadsLoggingIntoOneCandidate_everyPointParamAndTagArrivesOnce() throws Exception {
    Experiment e = client.createExperiment("concurrent");
    CandidateInfo c = client.createCandidate(NewCandidate.builder().experimentId(e.id()).name("r").startTime(1)
        .build());
    int perThread = 2000;

    onEveryThread(t -> {
      for (int s = 0; s < perThread; s += 100) {
        List<Metric> batch = new ArrayList<>();
        for (int k = s; k < s + 100; k++) {
          batch.add(Metric.of("loss", k, 1_700_000_000_000L + k, (long) t * perThread + k));
          batch.add(Metric.of("thread-" + t, k, 1, k));
        }
        client.logBatch(c.id(), batch, List.of(Param.of("p" + t + "-" + s, "v")), List.of(Tag.of("last", "t" + t)));
      }
      client.logParam(c.id(), "shared", "same"); // the same value from every thread: a no-op after the first
      return null;
    });

    List<Metric> loss = client.getMetricHistory(c.id(), "loss");
    assertThat(loss).hasSize(THREADS * perThread);
    assertThat(loss.stream().map(Metric::step).distinct().count()).isEqualTo((long) THREADS * perThread);
    Candidate read = client.getCandidate(c.id());
    assertThat(read.data().params()).hasSize(THREADS * perThread / 100 + 1).containsEntry("shared", "same");
    assertThat(read.data().metrics().get("loss").step()).isEqualTo((long) THREADS * perThread - 1);
    for (int t = 0; t < THREADS; t++) {
      assertThat(client.getMetricHistory(c.id(), "thread-" + t)).hasSize(perThread);
    }
    assertThat(read.data().tags().get("last")).matches("t[0-7]");
  }

  @Test
  void manyThreadsCreatingCandidatesAndExperiments_getDistinctIds() throws Exception {
    List<String> experimentIds = onEveryThread(t -> client.createExperiment("exp-" + t).id());
    Experiment shared = client.getOrCreateExperiment("shared");
    List<List<String>> candidateIds = onEveryThread(t -> {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ids.add(client.createCandidate(NewCandidate.builder().experimentId(shared.id()).name("c").startTime(i)
            .build()).id());
      }
      return ids;
    });

    assertThat(experimentIds).doesNotHaveDuplicates();
    List<String> all = candidateIds.stream().flatMap(List::stream).collect(Collectors.toList());
    assertThat(all).hasSize(THREADS * 50).doesNotHaveDuplicates();
    assertThat(client.searchCandidates(io.mlops.core.CandidateQuery.builder().addExperimentId(shared.id())
        .maxResults(1000).build()).stream().count()).isEqualTo(THREADS * 50L);
  }

  @Test
  void manyThreadsPromotingAtOnce_getConsecutiveNumbers_andOneWinsEachSemver() throws Exception {
    try (RegistryClient registry = RegistryClient.create(config, backend)) {
      registry.createModel("race", null, Map.of());
      Experiment e = client.createExperiment("promote");
      CandidateInfo c = client.createCandidate(NewCandidate.builder().experimentId(e.id()).name("r").startTime(1)
          .build());

      List<String> distinct = onEveryThread(t -> registry.createModelVersion(NewModelVersion.builder()
          .modelName("race").source(c.artifactUri() + "/model").candidateId(c.id())
          .putTag(ModelVersion.SEMVER_TAG, "1." + t + ".0").build()).version());
      List<Boolean> sameSemver = onEveryThread(t -> {
        try {
          registry.createModelVersion(NewModelVersion.builder().modelName("race").source(c.artifactUri() + "/model")
              .candidateId(c.id()).putTag(ModelVersion.SEMVER_TAG, "2.0.0").build());
          return true;
        } catch (ResourceAlreadyExistsException lost) {
          return false;
        }
      });

      assertThat(distinct).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
      assertThat(sameSemver).containsOnlyOnce(true);
      assertThat(registry.listModelVersions("race").stream().map(v -> v.semver().orElse("?"))
          .filter("2.0.0"::equals).count()).isEqualTo(1);
    }
  }
}
