package io.mlops.mlflow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateInfo;
import io.mlops.core.MlopsConfig;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.Page;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.testing.RegistryCompatibilityKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MLflow registry store against a real MLflow server: the {@link RegistryCompatibilityKit}, plus the whole
 * model and version life cycle with MLflow's own details (idempotent tag and alias removal, version numbering,
 * search paging, quoting of names) and the semver race with two concurrent creators.
 */
class MlflowRegistryCompatibilityServerIT extends RegistryCompatibilityKit {
  private CandidateInfo run;

  @Override
  protected RegistryClient openRegistry() {
    return RegistryClient.create(config());
  }

  @Override
  protected TrackingClient openTracking() {
    return TrackingClient.create(config());
  }

  private static MlopsConfig config() {
    return MlopsConfig.builder().trackingUri(MlflowServer.get().url()).build();
  }

  /** Runs after the kit has opened {@code registry} and {@code tracking}. */
  @BeforeEach
  void newRun() {
    run = newCandidate("registry-it");
  }

  /** A version of the test run's files: the server insists that the source lies inside the run's artifacts. */
  private NewModelVersion.Builder newVersion(String model) {
    return NewModelVersion.builder().modelName(model).source(modelSource(run)).candidateId(run.id());
  }

  @Test
  void modelLifeCycle() {
    String name = name("churn");
    Model created = registry.createModel(name, "Churn model", Map.of("team", "risk"));
    assertThat(created.tags()).containsOnly(Map.entry("team", "risk"));
    assertThat(created.description()).isEqualTo("Churn model");
    assertThat(created.creationTime()).isPositive();

    assertThatThrownBy(() -> registry.createModel(name, null, Map.of()))
        .isInstanceOfSatisfying(ResourceAlreadyExistsException.class,
            e -> assertThat(e.statusCode()).hasValue(400));

    assertThat(registry.updateModelDescription(name, "better").description()).isEqualTo("better");
    registry.setModelTag(name, "owner", "ana");
    registry.deleteModelTag(name, "team");
    registry.deleteModelTag(name, "team"); // already gone: the server answers {} (SAFE to retry)
    assertThat(registry.getModel(name).tags()).containsOnly(Map.entry("owner", "ana"));

    Model renamed = registry.renameModel(name, name("churn-renamed"));
    assertThat(renamed.name()).isEqualTo(name("churn-renamed"));
    assertThat(renamed.tags()).containsOnly(Map.entry("owner", "ana"));
    assertThat(registry.findModel(name)).isEmpty();

    registry.deleteModel(name("churn-renamed"));
    assertThat(registry.findModel(name("churn-renamed"))).isEmpty();
    assertThatThrownBy(() -> registry.deleteModel(name("churn-renamed")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void searchModels_pagesWithOffsetTokens_andNoTokenAfterTheLastPage() {
    for (String s : List.of("a", "b", "c", "d")) {
      registry.createModel(name("pg-" + s), null, Map.of("batch", name("batch")));
    }
    ModelQuery query = ModelQuery.builder().filter("name LIKE 'pg-%" + name("") + "'").addOrderBy("name DESC")
        .maxResults(2).build();

    Page<Model> first = registry.searchModels(query).firstPage();
    assertThat(first.items()).extracting(Model::name).containsExactly(name("pg-d"), name("pg-c"));
    assertThat(first.nextPageToken()).isPresent();
    Page<Model> second = registry.searchModels(ModelQuery.builder().from(query)
        .pageToken(first.nextPageToken()).build()).firstPage();
    assertThat(second.items()).extracting(Model::name).containsExactly(name("pg-b"), name("pg-a"));
    // four models, two per page: the server checks for a further row, so the second page is the last
    assertThat(second.nextPageToken()).isEmpty();

    assertThat(registry.searchModels(ModelQuery.builder().filter("tags.batch = '" + name("batch") + "'")
        .maxResults(5000).build()).stream().count()).isEqualTo(4);
  }

  @Test
  void versionLifeCycle_andAliases() {
    String name = name("fraud");
    registry.createModel(name, null, Map.of());
    ModelVersion v1 = registry.createModelVersion(newVersion(name).putTag("stage", "dev").description("one")
        .build());
    ModelVersion v2 = registry.createModelVersion(newVersion(name).build());
    ModelVersion v3 = registry.createModelVersion(newVersion(name).build());
    assertThat(List.of(v1.version(), v2.version(), v3.version())).containsExactly("1", "2", "3");
    assertThat(v1.candidateId()).contains(run.id());
    assertThat(v1.source()).isEqualTo(run.artifactUri() + "/model");
    assertThat(v1.tags()).containsOnly(Map.entry("stage", "dev"));
    assertThat(v1.description()).isEqualTo("one");
    assertThat(v1.status()).isEqualTo("READY");

    registry.setAlias(name, "champion", "2");
    registry.setAlias(name, "champion", "2"); // idempotent
    registry.setAlias(name, "challenger", "3");
    assertThat(registry.getModelVersionByAlias(name, "champion").version()).isEqualTo("2");
    assertThat(registry.getModelVersion(name, "2").aliases()).containsExactly("champion");
    assertThat(registry.getModel(name).aliases()).containsOnly(Map.entry("champion", "2"),
        Map.entry("challenger", "3"));
    // the search answer has no aliases; the store fills them in from the model
    List<ModelVersion> listed = registry.listModelVersions(name).stream().collect(Collectors.toList());
    assertThat(listed).extracting(ModelVersion::version).containsExactly("1", "2", "3");
    assertThat(listed).extracting(ModelVersion::aliases)
        .containsExactly(List.of(), List.of("champion"), List.of("challenger"));

    registry.setAlias(name, "champion", "3"); // moves
    assertThat(registry.getModelVersionByAlias(name, "champion").version()).isEqualTo("3");
    registry.deleteAlias(name, "champion");
    registry.deleteAlias(name, "champion"); // already gone: {}
    assertThatThrownBy(() -> registry.getModelVersionByAlias(name, "champion"))
        // MLflow 3.17 answers an unknown alias with 400: the SDK tells it as not found, with the status it was sent
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.statusCode()).hasValue(400));
    assertThatThrownBy(() -> registry.getModelVersionByAlias(name("no-such-model"), "champion"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.setAlias(name, "champion", "99"))
        .isInstanceOf(ResourceNotFoundException.class);

    assertThat(registry.updateModelVersionDescription(name, "2", "two").description()).isEqualTo("two");
    registry.setModelVersionTag(name, "2", "validated", "true");
    assertThat(registry.getModelVersion(name, "2").tags()).containsOnly(Map.entry("validated", "true"));
    registry.deleteModelVersionTag(name, "2", "validated");
    registry.deleteModelVersionTag(name, "2", "validated"); // already gone: {}
    assertThat(registry.getModelVersion(name, "2").tags()).isEmpty();

    registry.deleteModelVersion(name, "2");
    assertThatThrownBy(() -> registry.getModelVersion(name, "2")).isInstanceOf(ResourceNotFoundException.class);
    assertThat(registry.listModelVersions(name).stream().map(ModelVersion::version))
        .containsExactly("1", "3");
    // numbers are not reused after a delete of the highest one either: max+1 over all rows ever created
    registry.deleteModelVersion(name, "3");
    assertThat(registry.createModelVersion(newVersion(name).build()).version()).isEqualTo("4");
  }

  @Test
  void listModelVersions_ofNamesWithQuotes() {
    // MLflow's filter literals have no escapes: ' needs "..." and a name with both quotes falls back to LIKE
    String single = name("o'brien");
    String both = name("it's \"q\"");
    String lookalike = name("it_s _q_");
    for (String n : List.of(single, both, lookalike)) {
      registry.createModel(n, null, Map.of());
      registry.createModelVersion(newVersion(n).build());
    }
    registry.createModelVersion(newVersion(single).build());

    assertThat(registry.listModelVersions(single).stream().map(ModelVersion::version)).containsExactly("1", "2");
    assertThat(registry.listModelVersions(both).stream().map(ModelVersion::modelName)).containsExactly(both);
    assertThat(registry.listModelVersions(lookalike).stream().map(ModelVersion::modelName))
        .containsExactly(lookalike);
  }

  @Test
  void aSemverTakenEarlier_isRefused_andLeavesOneVersion() {
    String name = name("semver");
    registry.createModel(name, null, Map.of());
    ModelVersion first = registry.createModelVersion(newVersion(name).putTag(ModelVersion.SEMVER_TAG, "1.0.0")
        .build());
    assertThat(first.semver()).contains("1.0.0");

    assertThatThrownBy(() -> registry.createModelVersion(newVersion(name).putTag(ModelVersion.SEMVER_TAG, "1.0.0")
        .build()))
        .isInstanceOf(ResourceAlreadyExistsException.class)
        .hasMessageContaining("Version 1.0.0 of model '" + name + "' already exists");

    List<ModelVersion> all = registry.listModelVersions(name).stream().collect(Collectors.toList());
    assertThat(all).extracting(ModelVersion::version).containsExactly(first.version());
    // another semver is fine
    assertThat(registry.createModelVersion(newVersion(name).putTag(ModelVersion.SEMVER_TAG, "1.0.1").build())
        .semver()).contains("1.0.1");
  }

  @Test
  void twoCreatorsOfTheSameSemverAtTheSameMoment_leaveExactlyOneVersion() throws Exception {
    String name = name("race");
    registry.createModel(name, null, Map.of());
    int rounds = 20;
    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    // a client per thread: separate connection pools, as two processes would have
    List<RegistryClient> clients = List.of(openRegistry(), openRegistry());
    int overlapping = 0;
    try {
      for (int round = 0; round < rounds; round++) {
        String semver = "1.0." + round;
        List<Future<Outcome>> futures = new ArrayList<>();
        for (RegistryClient client : clients) {
          Callable<Outcome> task = () -> {
            barrier.await(30, TimeUnit.SECONDS);
            long start = System.nanoTime();
            try {
              ModelVersion v = client.createModelVersion(newVersion(name).putTag(ModelVersion.SEMVER_TAG, semver)
                  .build());
              return new Outcome(v, null, start, System.nanoTime());
            } catch (ResourceAlreadyExistsException e) {
              return new Outcome(null, e, start, System.nanoTime());
            }
          };
          futures.add(pool.submit(task));
        }
        Outcome a = futures.get(0).get(60, TimeUnit.SECONDS);
        Outcome b = futures.get(1).get(60, TimeUnit.SECONDS);
        if (a.start < b.end && b.start < a.end) {
          overlapping++;
        }
        List<Outcome> winners = List.of(a, b).stream().filter(o -> o.created != null).collect(Collectors.toList());
        assertThat(winners).as("round %d: exactly one creator succeeds", round).hasSize(1);
        Outcome loser = a.created == null ? a : b;
        assertThat(loser.refused).as("round %d", round)
            .hasMessageContaining("Version " + semver + " of model '" + name + "' already exists");
        List<ModelVersion> carrying = registry.listModelVersions(name).stream()
            .filter(v -> semver.equals(v.semver().orElse(null))).collect(Collectors.toList());
        assertThat(carrying).as("round %d: versions with %s", round, semver)
            .extracting(ModelVersion::version).containsExactly(winners.get(0).created.version());
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(RegistryClient::close);
    }
    System.out.println("[MlflowRegistryCompatibilityServerIT] semver race: " + overlapping + " of " + rounds
        + " rounds had both creates in flight at once");
    assertThat(overlapping).as("rounds where both creates overlapped in time").isPositive();
    assertThat(registry.listModelVersions(name).stream().count()).isEqualTo(rounds);
    // Numbers are max+1 over every version ever created, deleted ones included, so the next number tells how
    // many versions the race created: a loser that was refused only after creating (and deleting) its own
    // version shows that the conflict reached the server and the store resolved it.
    long createdDuringRace = Long.parseLong(registry.createModelVersion(newVersion(name).build()).version()) - 1;
    System.out.println("[MlflowRegistryCompatibilityServerIT] semver race: " + (createdDuringRace - rounds)
        + " of " + rounds + " losers had created a version of their own and deleted it");
    assertThat(createdDuringRace - rounds).as("losers that created and deleted their own version").isPositive();
  }

  /** One creator's result in a race round. */
  private static final class Outcome {
    final ModelVersion created;
    final ResourceAlreadyExistsException refused;
    final long start;
    final long end;

    Outcome(ModelVersion created, ResourceAlreadyExistsException refused, long start, long end) {
      this.created = created;
      this.refused = refused;
      this.start = start;
      this.end = end;
    }
  }
}
