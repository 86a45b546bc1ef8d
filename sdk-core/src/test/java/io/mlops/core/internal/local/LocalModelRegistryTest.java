package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mlops.core.FilterSyntaxException;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.Page;
import io.mlops.core.ResourceNotFoundException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local registry on disk: MLflow 3.17.2's registry file-store layout byte for byte where MLflow reads it,
 * version numbers under contention from threads and processes, and what a crash can leave behind.
 */
class LocalModelRegistryTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String RUN = "0123456789abcdef0123456789abcdef";
  private static final String SOURCE = "file:///tmp/mlruns/1/" + RUN + "/artifacts/model";

  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(T0);
  private Path root;
  private Path models;
  private LocalModelRegistry registry;

  @BeforeEach
  void open() {
    root = dir.resolve("mlruns");
    models = root.resolve("models");
    registry = new LocalModelRegistry(root, clock::incrementAndGet);
  }

  private ModelVersion newVersion(LocalModelRegistry store, String model, String semver) {
    return store.createModelVersion(NewModelVersion.builder().modelName(model).source(SOURCE).candidateId(RUN)
        .putTag(ModelVersion.SEMVER_TAG, semver).build());
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** Every file under a folder, relative, with '/'. */
  private static Set<String> files(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Map<String, Object> map(Object... keyValues) {
    Map<String, Object> m = new TreeMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  // ---------------------------------------------------------------- layout

  @Test
  void layout_isMlflowsRegistryFileStore() throws Exception {
    registry.createModel("churn", Optional.of("Predicts churn"), Map.of("team", "risk", "data/split", "v2"));
    registry.createModelVersion(NewModelVersion.builder().modelName("churn").source(SOURCE).candidateId(RUN)
        .putTag(ModelVersion.SEMVER_TAG, "1.0.0").putTag("stage/gate", "passed").description("first").build());
    registry.setAlias("churn", "champion", "1");

    Path model = models.resolve("churn");
    assertThat(files(model)).containsExactly("aliases/champion", "meta.yaml", "tags/data/split", "tags/team",
        "version-1/meta.yaml", "version-1/tags/mlops.semver", "version-1/tags/stage/gate");
    // The registry's lock is a file beside the model folders: MLflow lists only folders of models/.
    assertThat(files(models)).contains(".mlops.lock");
    assertThat(models.resolve(".mlops.lock")).isRegularFile();
    try (Stream<Path> s = Files.list(models)) {
      assertThat(s.filter(Files::isDirectory).map(p -> p.getFileName().toString())).containsExactly("churn");
    }

    // create (T0+1), create version (T0+2), set alias (T0+3): MLflow's timestamps move the same way.
    assertThat(MetaYaml.read(model.resolve("meta.yaml"))).isEqualTo(map(
        "aliases", Map.of("champion", "1"),
        "creation_timestamp", T0 + 1,
        "deployment_job_id", null,
        "deployment_job_state", null,
        "description", "Predicts churn",
        "last_updated_timestamp", T0 + 3,
        "name", "churn",
        "workspace", "default"));
    assertThat(MetaYaml.read(model.resolve("version-1/meta.yaml"))).isEqualTo(map(
        "creation_timestamp", T0 + 2,
        "current_stage", "None",
        "deployment_job_state", null,
        "description", "first",
        "last_updated_timestamp", T0 + 2,
        "model_id", null,
        "name", "churn",
        "run_id", RUN,
        "run_link", null,
        "source", SOURCE,
        "status", "READY",
        "status_message", null,
        "storage_location", SOURCE,
        "user_id", null,
        "version", 1,
        "workspace", "default"));
    // Exactly what MLflow's reader compares: no newline after the number, values without one either.
    assertThat(read(model.resolve("aliases/champion"))).isEqualTo("1");
    assertThat(read(model.resolve("tags/team"))).isEqualTo("risk");
    assertThat(read(model.resolve("tags/data/split"))).isEqualTo("v2");
    assertThat(read(model.resolve("version-1/tags/mlops.semver"))).isEqualTo("1.0.0");
    // version is a YAML int (MLflow's max(mv.version) + 1 needs a number), nulls are YAML nulls.
    String versionYaml = read(model.resolve("version-1/meta.yaml"));
    assertThat(versionYaml).contains("\nversion: 1\n").contains("\nmodel_id: null\n").doesNotStartWith("---");
  }

  @Test
  void layout_modelWithoutDescriptionAndVersionWithoutCandidateWriteNulls() throws Exception {
    registry.createModel("bare", Optional.empty(), Map.of());
    registry.createModelVersion(NewModelVersion.builder().modelName("bare").source("s3://bucket/model").build());
    Map<String, Object> model = MetaYaml.read(models.resolve("bare/meta.yaml"));
    assertThat(model).containsEntry("description", null).containsEntry("aliases", Map.of());
    Map<String, Object> version = MetaYaml.read(models.resolve("bare/version-1/meta.yaml"));
    assertThat(version).containsEntry("run_id", null).containsEntry("description", null)
        .containsEntry("storage_location", "s3://bucket/model");
    assertThat(models.resolve("bare/tags")).doesNotExist();
    ModelVersion read = registry.getModelVersion("bare", "1");
    assertThat(read.candidateId()).isEmpty();
    assertThat(read.description()).isEmpty();
    assertThat(registry.findModel("bare").get().description()).isEmpty();
  }

  @Test
  void readsARegistryWrittenByMlflow() throws Exception {
    // What MLflow 3.17.2 wrote for: create model (tags, description), version 1 (semver tag), version 2, alias
    // champion -> 1, alias old -> 2, delete version 2 (a tombstone), version 3.
    Path model = Files.createDirectories(models.resolve("m"));
    Files.write(model.resolve("meta.yaml"), ("aliases:\n  champion: '1'\ncreation_timestamp: 1795511127522\n"
        + "deployment_job_id: null\ndeployment_job_state: null\ndescription: desc\n"
        + "last_updated_timestamp: 1795511127546\nname: m\nworkspace: default\n").getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(model.resolve("tags/a"));
    Files.write(model.resolve("tags/a/b"), "x".getBytes(StandardCharsets.UTF_8));
    Files.write(model.resolve("tags/team"), "risk".getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(model.resolve("aliases"));
    Files.write(model.resolve("aliases/champion"), "1".getBytes(StandardCharsets.UTF_8));
    String[][] versions = {
        {"1", "None", "vd", RUN, SOURCE},
        {"2", "Deleted_Internal", "null", RUN, SOURCE},
        {"3", "None", "null", "null", "s3://x"}};
    for (String[] v : versions) {
      Path vdir = Files.createDirectories(model.resolve("version-" + v[0]));
      Files.write(vdir.resolve("meta.yaml"), ("creation_timestamp: 179551112752" + v[0] + "\ncurrent_stage: " + v[1]
          + "\ndeployment_job_state: null\ndescription: " + v[2] + "\nlast_updated_timestamp: 179551112754" + v[0]
          + "\nmodel_id: null\nname: m\nrun_id: " + v[3] + "\nrun_link: null\nsource: " + v[4]
          + "\nstatus: READY\nstatus_message: null\nstorage_location: " + v[4] + "\nuser_id: null\nversion: " + v[0]
          + "\nworkspace: default\n").getBytes(StandardCharsets.UTF_8));
    }
    Files.createDirectories(model.resolve("version-1/tags"));
    Files.write(model.resolve("version-1/tags/mlops.semver"), "1.0.0".getBytes(StandardCharsets.UTF_8));

    Model m = registry.findModel("m").get();
    assertThat(m.description()).isEqualTo("desc");
    assertThat(m.creationTime()).isEqualTo(1795511127522L);
    assertThat(m.lastUpdateTime()).isEqualTo(1795511127546L);
    assertThat(m.tags()).isEqualTo(Map.of("a/b", "x", "team", "risk"));
    assertThat(m.aliases()).isEqualTo(Map.of("champion", "1"));
    List<ModelVersion> listed = registry.listModelVersions("m", Optional.empty()).items();
    assertThat(listed).extracting(ModelVersion::version).containsExactly("1", "3");
    ModelVersion v1 = registry.getModelVersionByAlias("m", "champion");
    assertThat(v1.version()).isEqualTo("1");
    assertThat(v1.semver()).hasValue("1.0.0");
    assertThat(v1.description()).isEqualTo("vd");
    assertThat(v1.candidateId()).hasValue(RUN);
    assertThat(v1.source()).isEqualTo(SOURCE);
    assertThat(v1.aliases()).containsExactly("champion");
    assertThat(listed.get(1).candidateId()).isEmpty();
    assertThat(listed.get(1).description()).isEmpty();
    assertThatThrownBy(() -> registry.getModelVersion("m", "2")).isInstanceOf(ResourceNotFoundException.class);
    // MLflow numbers after the tombstone too.
    assertThat(newVersion(registry, "m", "2.0.0").version()).isEqualTo("4");
  }

  // ---------------------------------------------------------------- versions and aliases

  @Test
  void versions_areNumberedMaxPlusOneAndADeletedNumberIsNeverReused() throws Exception {
    registry.createModel("m", Optional.empty(), Map.of());
    for (int i = 1; i <= 3; i++) {
      assertThat(newVersion(registry, "m", i + ".0.0").version()).isEqualTo(Integer.toString(i));
    }
    registry.setAlias("m", "champion", "3");
    registry.setAlias("m", "stable", "2");
    registry.deleteModelVersion("m", "3");

    // MLflow's tombstone: the folder stays, marked Deleted_Internal; the alias pointing at it is gone.
    assertThat(MetaYaml.read(models.resolve("m/version-3/meta.yaml"))).containsEntry("current_stage", "Deleted_Internal");
    assertThat(models.resolve("m/aliases/champion")).doesNotExist();
    assertThat(MetaYaml.read(models.resolve("m/meta.yaml"))).containsEntry("aliases", Map.of("stable", "2"));
    assertThat(registry.listModelVersions("m", Optional.empty()).items()).extracting(ModelVersion::version)
        .containsExactly("1", "2");
    assertThat(newVersion(registry, "m", "4.0.0").version()).isEqualTo("4");
    assertThatThrownBy(() -> registry.setModelVersionTag("m", "3", "k", "v"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.setAlias("m", "champion", "3")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void versions_idsAreIntegersAsMlflowParsesThem() throws Exception {
    registry.createModel("m", Optional.empty(), Map.of());
    newVersion(registry, "m", "1.0.0");
    assertThat(registry.getModelVersion("m", " 01").version()).isEqualTo("1");
    registry.setAlias("m", "champion", "01");
    assertThat(read(models.resolve("m/aliases/champion"))).isEqualTo("1");
    assertThat(registry.getModelVersion("m", "1").aliases()).containsExactly("champion");
    assertThatThrownBy(() -> registry.getModelVersion("m", "1.0.0")).isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("must be an integer");
  }

  @Test
  void listModelVersions_pagesInAscendingNumberOrder() {
    LocalModelRegistry small = new LocalModelRegistry(root, clock::incrementAndGet, 3);
    small.createModel("m", Optional.empty(), Map.of());
    for (int i = 0; i < 11; i++) { // more than 9: "10" must sort after "9"
      newVersion(small, "m", "1.0." + i);
    }
    small.deleteModelVersion("m", "2");
    List<String> all = new ArrayList<>();
    Optional<String> token = Optional.empty();
    int pages = 0;
    do {
      Page<ModelVersion> page = small.listModelVersions("m", token);
      assertThat(page.items().size()).isLessThanOrEqualTo(3);
      page.items().forEach(v -> all.add(v.version()));
      token = page.nextPageToken();
      pages++;
    } while (token.isPresent());
    assertThat(all).containsExactly("1", "3", "4", "5", "6", "7", "8", "9", "10", "11");
    assertThat(pages).isEqualTo(4);
  }

  @Test
  void aliasesInMetaYamlFollowTheAliasesFolder() throws Exception {
    registry.createModel("m", Optional.empty(), Map.of());
    newVersion(registry, "m", "1.0.0");
    newVersion(registry, "m", "1.1.0");
    registry.setAlias("m", "champion", "1");
    registry.setAlias("m", "challenger", "2");
    registry.setAlias("m", "champion", "2");
    assertThat(MetaYaml.read(models.resolve("m/meta.yaml")).get("aliases"))
        .isEqualTo(Map.of("champion", "2", "challenger", "2"));
    assertThat(registry.getModelVersion("m", "2").aliases()).containsExactly("challenger", "champion");
    registry.deleteAlias("m", "challenger");
    registry.deleteAlias("m", "never-set"); // no error, as in MLflow
    assertThat(MetaYaml.read(models.resolve("m/meta.yaml")).get("aliases")).isEqualTo(Map.of("champion", "2"));
    assertThat(files(models.resolve("m/aliases"))).containsExactly("champion");
  }

  // ---------------------------------------------------------------- rename, delete, names

  @Test
  void rename_movesTheFolderAndRewritesEveryName() throws Exception {
    registry.createModel("old", Optional.empty(), Map.of("team", "risk"));
    newVersion(registry, "old", "1.0.0");
    newVersion(registry, "old", "2.0.0");
    registry.deleteModelVersion("old", "2");
    registry.setAlias("old", "champion", "1");

    Model renamed = registry.renameModel("old", "new");
    assertThat(renamed.name()).isEqualTo("new");
    assertThat(models.resolve("old")).doesNotExist();
    assertThat(MetaYaml.read(models.resolve("new/meta.yaml"))).containsEntry("name", "new")
        .containsEntry("aliases", Map.of("champion", "1"));
    assertThat(MetaYaml.read(models.resolve("new/version-1/meta.yaml"))).containsEntry("name", "new");
    assertThat(MetaYaml.read(models.resolve("new/version-2/meta.yaml"))).containsEntry("name", "new")
        .containsEntry("current_stage", "Deleted_Internal");
    assertThat(registry.getModelVersionByAlias("new", "champion").modelName()).isEqualTo("new");
    assertThat(newVersion(registry, "new", "3.0.0").version()).isEqualTo("3");
  }

  @Test
  void delete_removesTheFolderAndLeavesNothingBehind() throws Exception {
    registry.createModel("m", Optional.empty(), Map.of("a", "b"));
    newVersion(registry, "m", "1.0.0");
    registry.setAlias("m", "champion", "1");
    registry.createModel("kept", Optional.empty(), Map.of());
    registry.deleteModel("m");
    try (Stream<Path> s = Files.list(models)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("kept", ".mlops.lock");
    }
    assertThat(registry.findModel("m")).isEmpty();
  }

  @Test
  void names_thatMlflowsFileStoreRejectsAreInvalid() {
    for (String bad : List.of("a:b", "a/b", "a%b", "..x", ".", ".mlops-new-x")) {
      assertThatThrownBy(() -> registry.createModel(bad, Optional.empty(), Map.of()))
          .as(bad).isInstanceOf(InvalidParameterException.class);
    }
    assertThat(registry.createModel(".hidden but fine", Optional.empty(), Map.of()).name())
        .isEqualTo(".hidden but fine");
    assertThat(registry.searchModels(ModelQuery.all()).items()).extracting(Model::name)
        .containsExactly(".hidden but fine");
  }

  // ---------------------------------------------------------------- search

  @Test
  void search_hasMlflowsFilterAndOrderSemantics() {
    registry.createModel("churn_v1", Optional.empty(), Map.of("team", "risk", "tier gold", "yes"));
    registry.createModel("churnXv1", Optional.empty(), Map.of("team", "ops"));
    registry.createModel("Churn-big", Optional.empty(), Map.of());
    registry.createModel("fraud", Optional.empty(), Map.of("team", "risk"));
    registry.createModel("a-prompt", Optional.empty(), Map.of(LocalModelRegistry.PROMPT_TAG, "true"));
    registry.setModelTag("churnXv1", "touched", "now"); // last updated

    assertThat(names(null)).containsExactly("Churn-big", "churnXv1", "churn_v1", "fraud"); // by code point
    assertThat(names("name LIKE 'churn_v1'")).containsExactly("churnXv1", "churn_v1"); // _ is any character
    assertThat(names("name LIKE 'churn%'")).containsExactly("churnXv1", "churn_v1");
    assertThat(names("name ILIKE 'churn%'")).containsExactly("Churn-big", "churnXv1", "churn_v1");
    assertThat(names("name IN ('fraud', 'churn_v1')")).containsExactly("churn_v1", "fraud");
    assertThat(names("name NOT IN ('fraud')")).containsExactly("Churn-big", "churnXv1", "churn_v1");
    assertThat(names("tags.team = 'risk'")).containsExactly("churn_v1", "fraud");
    assertThat(names("tag.team != 'risk'")).containsExactly("churnXv1");
    assertThat(names("tags.`tier gold` = 'yes' and name != 'x'")).containsExactly("churn_v1");
    assertThat(names("attribute.name = \"fraud\"")).containsExactly("fraud");
    // Prompts are hidden unless the filter asks about them.
    assertThat(names("tags.`mlflow.prompt.is_prompt` = 'true'")).containsExactly("a-prompt");

    assertThat(names(null, "last_updated_timestamp DESC")).first().isEqualTo("churnXv1");
    assertThat(names(null, "creation_timestamp DESC")).containsExactly("fraud", "Churn-big", "churnXv1", "churn_v1");
    assertThat(names(null, "name DESC")).containsExactly("fraud", "churn_v1", "churnXv1", "Churn-big");
  }

  @Test
  void search_rejectsWhatMlflowRejects() {
    for (String bad : List.of("creation_timestamp > 1", "name = 'a' OR name = 'b'", "tags.team IN ('a')",
        "name = fraud", "params.x = '1'", "name LIKE 'a' AND")) {
      assertThatThrownBy(() -> names(bad)).as(bad).isInstanceOf(FilterSyntaxException.class);
    }
    assertThatThrownBy(() -> names(null, "tags.team")).isInstanceOf(FilterSyntaxException.class);
    assertThatThrownBy(() -> names(null, "name sideways")).isInstanceOf(FilterSyntaxException.class);
    assertThatThrownBy(() -> registry.searchModels(ModelQuery.builder().maxResults(1001).build()))
        .isInstanceOf(InvalidParameterException.class);
  }

  /** Names of every match, over pages of 2. */
  private List<String> names(String filter, String... orderBy) {
    return all(filter, orderBy);
  }

  private List<String> all(String filter, String... orderBy) {
    List<String> out = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      Page<Model> page = registry.searchModels(ModelQuery.builder().filter(Optional.ofNullable(filter))
          .addOrderBy(orderBy).maxResults(2).pageToken(token).build());
      page.items().forEach(m -> out.add(m.name()));
      token = page.nextPageToken();
    } while (token.isPresent());
    return out;
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void versions_createdByManyThreadsAtOnceGetDistinctConsecutiveNumbers() throws Exception {
    int threads = 8;
    int each = 10;
    registry.createModel("m", Optional.empty(), Map.of());
    // Two store objects: the lock must hold across instances of one JVM, not just within one.
    LocalModelRegistry other = new LocalModelRegistry(root, clock::incrementAndGet);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        LocalModelRegistry store = t % 2 == 0 ? registry : other;
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            ids.add(newVersion(store, "m", thread + "." + i + ".0").version());
          }
          return ids;
        }));
      }
      start.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<List<String>> f : futures) {
        ids.addAll(f.get(2, TimeUnit.MINUTES));
      }
      assertThat(ids).doesNotHaveDuplicates().hasSize(threads * each);
      assertThat(ids.stream().map(Long::parseLong).collect(Collectors.toSet()))
          .isEqualTo(LongStream.rangeClosed(1, threads * each).boxed().collect(Collectors.toSet()));
      // each version kept its own semver tag: no two writers shared a folder
      Set<String> semvers = new HashSet<>();
      for (ModelVersion v : registry.listModelVersions("m", Optional.empty()).items()) {
        semvers.add(v.semver().orElseThrow());
      }
      assertThat(semvers).hasSize(threads * each);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void versions_createdByTwoProcessesAtOnceGetDistinctConsecutiveNumbers() throws Exception {
    int each = 20;
    registry.createModel("shared", Optional.empty(), Map.of());
    Path gate = Files.createFile(dir.resolve("gate"));
    List<Process> children = new ArrayList<>();
    // The parent holds the gate locked until both children are ready, so their writes overlap.
    try (FileChannel gateChannel = FileChannel.open(gate, StandardOpenOption.WRITE);
        FileLock closed = gateChannel.lock()) {
      for (int p = 0; p < 2; p++) {
        children.add(child(VersionWriter.class, root.toString(), "shared", "" + each, "p" + p,
            dir.resolve("ready-" + p).toString(), gate.toString()).redirectOutput(dir.resolve("child-" + p + ".out")
            .toFile()).start());
      }
      await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(dir.resolve("ready-0"))
          && Files.exists(dir.resolve("ready-1")));
    }
    List<String> ids = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      Process proc = children.get(p);
      assertThat(proc.waitFor(3, TimeUnit.MINUTES)).as("child %s finished", p).isTrue();
      String out = read(dir.resolve("child-" + p + ".out"));
      assertThat(proc.exitValue()).as("child %s exit code; output:%n%s", p, out).isZero();
      String last = out.trim().substring(out.trim().lastIndexOf('\n') + 1);
      ids.addAll(Arrays.asList(last.split(",")));
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(2 * each);
    List<ModelVersion> listed = registry.listModelVersions("shared", Optional.empty()).items();
    assertThat(listed).extracting(ModelVersion::version)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 2 * each).mapToObj(Long::toString)
            .collect(Collectors.toList()));
    assertThat(listed.stream().map(v -> v.semver().orElseThrow()).collect(Collectors.toSet())).hasSize(2 * each);
  }

  // ---------------------------------------------------------------- crash safety

  @Test
  void crash_aProcessKilledWhileCreatingVersionsLeavesAConsistentRegistry() throws Exception {
    registry.createModel("m", Optional.empty(), Map.of());
    Process proc = child(VersionWriter.class, root.toString(), "m", "100000", "k", dir.resolve("ready").toString(),
        "").redirectOutput(dir.resolve("killed.out").toFile()).start();
    try {
      await().atMost(Duration.ofMinutes(1)).until(() -> registry.listModelVersions("m", Optional.empty())
          .items().size() >= 15);
    } finally {
      proc.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
    }
    // Killed at a random point of some write: every version is whole (meta.yaml and its tag), numbers are
    // consecutive, and the next version follows on as if nothing happened.
    List<ModelVersion> listed = registry.listModelVersions("m", Optional.empty()).items();
    int n = listed.size();
    assertThat(listed).extracting(ModelVersion::version).containsExactlyElementsOf(
        LongStream.rangeClosed(1, n).mapToObj(Long::toString).collect(Collectors.toList()));
    for (ModelVersion v : listed) {
      assertThat(v.semver()).as("version %s", v.version()).hasValue("k." + (Long.parseLong(v.version()) - 1) + ".0");
    }
    try (Stream<Path> s = Files.list(models.resolve("m"))) {
      for (Path p : s.filter(Files::isDirectory).collect(Collectors.toList())) {
        if (p.getFileName().toString().startsWith("version-")) {
          assertThat(p.resolve("meta.yaml")).isRegularFile();
        }
      }
    }
    assertThat(newVersion(registry, "m", "next").version()).isEqualTo(Integer.toString(n + 1));
    try (Stream<Path> s = Files.list(models.resolve("m"))) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith(".mlops-new-"));
    }
  }

  @Test
  void crash_aModelFolderWithoutMetaYamlIsNoModelAndItsNameCanBeCreated() throws Exception {
    Path leftover = Files.createDirectories(models.resolve("half/tags"));
    Files.write(leftover.resolve("stale"), "x".getBytes(StandardCharsets.UTF_8));
    assertThat(registry.findModel("half")).isEmpty();
    assertThat(registry.searchModels(ModelQuery.all()).items()).isEmpty();
    assertThatThrownBy(() -> newVersion(registry, "half", "1.0.0")).isInstanceOf(ResourceNotFoundException.class);
    Model created = registry.createModel("half", Optional.empty(), Map.of("fresh", "y"));
    assertThat(created.tags()).isEqualTo(Map.of("fresh", "y"));
  }

  @Test
  void crash_halfBuiltVersionsAndGhostsAreInvisibleAndCleanedUp() throws Exception {
    registry.createModel("m", Optional.empty(), Map.of());
    newVersion(registry, "m", "1.0.0");
    // A version folder staged by a writer that died before renaming it into place.
    Path staged = Files.createDirectories(models.resolve("m/.mlops-new-dead/tags"));
    Files.write(staged.resolve("mlops.semver"), "9.9.9".getBytes(StandardCharsets.UTF_8));
    Files.write(models.resolve("m/.mlops-new-dead/meta.yaml"), "version: 2\n".getBytes(StandardCharsets.UTF_8));
    // The ghost of a model whose deletion died half way, and a torn temporary file.
    Path ghost = Files.createDirectories(models.resolve(".mlops-deleted-dead/version-1"));
    Files.write(ghost.getParent().resolve("meta.yaml"), "name: gone\n".getBytes(StandardCharsets.UTF_8));
    Files.write(models.resolve("m/.tmp-torn"), "creation_ti".getBytes(StandardCharsets.UTF_8));

    assertThat(registry.listModelVersions("m", Optional.empty()).items()).extracting(ModelVersion::version)
        .containsExactly("1");
    assertThat(registry.searchModels(ModelQuery.all()).items()).extracting(Model::name).containsExactly("m");
    assertThat(newVersion(registry, "m", "2.0.0").version()).isEqualTo("2");
    assertThat(models.resolve("m/.mlops-new-dead")).doesNotExist();
    assertThat(registry.getModelVersion("m", "2").semver()).hasValue("2.0.0");
    registry.createModel("other", Optional.empty(), Map.of());
    assertThat(models.resolve(".mlops-deleted-dead")).doesNotExist();
  }

  @Test
  void crash_aRenameThatDiedAfterMovingTheFolderReadsAsRenamedAndHeals() throws Exception {
    registry.createModel("before", Optional.empty(), Map.of());
    newVersion(registry, "before", "1.0.0");
    // The folder moved, the meta.yaml names did not follow yet.
    Files.move(models.resolve("before"), models.resolve("after"));
    assertThat(registry.findModel("after").get().name()).isEqualTo("after");
    assertThat(registry.getModelVersion("after", "1").modelName()).isEqualTo("after");
    registry.setModelVersionTag("after", "1", "k", "v");
    registry.updateModelVersionDescription("after", "1", "healed");
    assertThat(MetaYaml.read(models.resolve("after/meta.yaml"))).containsEntry("name", "after");
    assertThat(MetaYaml.read(models.resolve("after/version-1/meta.yaml"))).containsEntry("name", "after");
  }

  // ---------------------------------------------------------------- child processes

  private static ProcessBuilder child(Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(Arrays.asList(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  /**
   * A child JVM creating versions of one model. Args: storeRoot model count semverPrefix readyFile gateFile
   * (empty: no gate). It creates the ready file, waits on a shared lock of the gate (held exclusively by the
   * parent until every child is ready), then creates {@code count} versions with semver
   * {@code <prefix>.<i>.0} and prints their ids, comma-separated, on its last line.
   */
  public static final class VersionWriter {
    private VersionWriter() {}

    public static void main(String[] args) throws Exception {
      LocalModelRegistry store = new LocalModelRegistry(Paths.get(args[0]));
      String model = args[1];
      int count = Integer.parseInt(args[2]);
      Files.createFile(Paths.get(args[4]));
      if (!args[5].isEmpty()) {
        try (FileChannel ch = FileChannel.open(Paths.get(args[5]), StandardOpenOption.READ);
            FileLock open = ch.lock(0, Long.MAX_VALUE, true)) {
          // released at once: the gate only lines the children up
        }
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ids.add(store.createModelVersion(NewModelVersion.builder().modelName(model).source(SOURCE)
            .putTag(ModelVersion.SEMVER_TAG, args[3] + "." + i + ".0").build()).version());
      }
      System.out.println(String.join(",", ids));
    }
  }
}
