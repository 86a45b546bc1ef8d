package io.mlops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.Candidate;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * What is recorded about a model or a version besides its files: linked items and deployment records (kept as JSON in
 * {@code mlops.link.*} and {@code mlops.deployment.*} tags) and the training configuration drawn from its candidate.
 */
final class VersionMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final RegistryClient registry;
  private final Versions versions;
  private final ModelResolver resolver;

  VersionMetadata(RegistryClient registry, Versions versions, ModelResolver resolver) {
    this.registry = registry;
    this.versions = versions;
    this.resolver = resolver;
  }

  /** See {@link ModelRegistry#link}. */
  LinkedItem link(String modelName, String semver, String url, String relation, String title) {
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      throw new ValidationException(url, "link-url", "'" + url + "' is not a URL: " + e.getMessage());
    }
    if (parsed.getScheme() == null || parsed.getHost() == null && !"mailto".equals(parsed.getScheme())) {
      throw new ValidationException(url, "link-url", "'" + url + "' is not an absolute URL");
    }
    if (relation == null || relation.trim().isEmpty()) {
      throw new ValidationException("relation", "link-relation", "A link needs a relation (issue, merge_request, ...)");
    }
    LinkedItem item = LinkedItem.builder().id(io.mlops.core.internal.Sha256.hex(relation + " " + url, 6)).url(url)
        .relation(relation).title(Optional.ofNullable(title)).build();
    ObjectNode node = JSON.createObjectNode().put("url", url).put("relation", relation);
    if (title != null) {
      node.put("title", title);
    }
    setBookkeepingTag(modelName, semver, ModelRegistry.LINK_TAG_PREFIX + item.id(), node.toString());
    return item;
  }

  /** See {@link ModelRegistry#links}. */
  List<LinkedItem> links(String modelName, String semver) {
    List<LinkedItem> out = new ArrayList<>();
    tagsOf(modelName, semver).forEach((k, v) -> {
      if (k.startsWith(ModelRegistry.LINK_TAG_PREFIX)) {
        JsonNode n = parse(v);
        out.add(LinkedItem.builder().id(k.substring(ModelRegistry.LINK_TAG_PREFIX.length()))
            .url(n.path("url").asText()).relation(n.path("relation").asText())
            .title(Optional.ofNullable(n.path("title").asText(null))).build());
      }
    });
    return out;
  }

  /** See {@link ModelRegistry#unlink}. */
  void unlink(String modelName, String semver, String linkId) {
    String key = ModelRegistry.LINK_TAG_PREFIX + linkId;
    if (!tagsOf(modelName, semver).containsKey(key)) {
      throw new ResourceNotFoundException("No link '" + linkId + "' on " + modelName + (semver == null ? "" : " " + semver));
    }
    if (semver == null) {
      registry.deleteModelTag(modelName, key);
    } else {
      registry.deleteModelVersionTag(modelName, versions.get(modelName, semver).backendVersion(), key);
    }
    resolver.invalidate(modelName);
  }

  /** See {@link ModelRegistry#recordDeployment}. */
  Deployment recordDeployment(String modelName, String semver, String environment, String pipelineUrl) {
    if (environment == null || environment.trim().isEmpty()) {
      throw new ValidationException("environment", "deployment-environment", "A deployment needs an environment");
    }
    Deployment d = Deployment.builder().environment(environment).time(System.currentTimeMillis())
        .deployedBy(System.getProperty("user.name", "unknown")).pipelineUrl(Optional.ofNullable(pipelineUrl)).build();
    ObjectNode node = JSON.createObjectNode().put("environment", environment).put("time", d.time())
        .put("deployed_by", d.deployedBy());
    if (pipelineUrl != null) {
      node.put("pipeline_url", pipelineUrl);
    }
    setBookkeepingTag(modelName, semver, ModelRegistry.DEPLOYMENT_TAG_PREFIX + d.time() + "-"
        + SEQUENCE.incrementAndGet(), node.toString());
    return d;
  }

  /**
   * The deployments recorded in a version's tags, newest first. Records made within the same millisecond have the
   * same time; their tag keys ({@code <time>-<sequence>}) then order them by the recording sequence, compared as a
   * number (the tags come back ordered as strings, where "-10" sorts before "-9").
   */
  static List<Deployment> deployments(Map<String, String> tags) {
    List<Map.Entry<Long, Deployment>> records = new ArrayList<>();
    tags.forEach((k, v) -> {
      if (k.startsWith(ModelRegistry.DEPLOYMENT_TAG_PREFIX)) {
        JsonNode n = parse(v);
        Deployment d = Deployment.builder().environment(n.path("environment").asText()).time(n.path("time").asLong())
            .deployedBy(n.path("deployed_by").asText("unknown"))
            .pipelineUrl(Optional.ofNullable(n.path("pipeline_url").asText(null))).build();
        records.add(Map.entry(sequenceOf(k), d));
      }
    });
    records.sort(Comparator.comparing((Map.Entry<Long, Deployment> e) -> e.getValue().time())
        .thenComparing(Map.Entry::getKey).reversed());
    return records.stream().map(Map.Entry::getValue).collect(Collectors.toList());
  }

  /** See {@link ModelRegistry#trainingConfiguration}. */
  static Map<String, String> trainingConfiguration(RegisteredVersion version, Candidate c) {
    Map<String, String> out = new TreeMap<>();
    out.put("model.name", version.modelName());
    out.put("model.version", version.uri().reference());
    out.put("candidate.id", c.id());
    out.put("candidate.name", c.name());
    c.data().params().forEach((k, v) -> out.put("param." + k, v));
    Map<String, String> tags = c.data().tags();
    copy(tags, "mlflow.source.git.commit", out, "git.commit");
    copy(tags, "mlflow.source.git.branch", out, "git.branch");
    copy(tags, "mlflow.source.git.repoURL", out, "git.repo_url");
    copy(tags, "mlflow.source.name", out, "source.name");
    tags.forEach((k, v) -> {
      if (k.startsWith("mlops.ci.")) {
        out.put("ci." + k.substring("mlops.ci.".length()), v);
      }
    });
    return out;
  }

  /** Writes a training configuration to a {@code .json} or {@code .properties} file. */
  static Path writeTrainingConfiguration(Map<String, String> config, String what, Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      if (name.endsWith(".json")) {
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
      } else if (name.endsWith(".properties")) {
        Properties p = new Properties();
        p.putAll(config);
        try (OutputStream out = Files.newOutputStream(file)) {
          p.store(out, "Training configuration of " + what);
        }
      } else {
        throw new ValidationException(file.toString(), "config-format",
            "Write the training configuration to a .json or a .properties file, not " + file.getFileName());
      }
      return file;
    } catch (IOException e) {
      throw new TransportException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The sequence number of a deployment tag key {@code mlops.deployment.<time>-<sequence>}; -1 if it has none. */
  private static long sequenceOf(String key) {
    int dash = key.lastIndexOf('-');
    if (dash < 0) {
      return -1;
    }
    try {
      return Long.parseLong(key.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Map<String, String> tagsOf(String modelName, String semver) {
    return semver == null ? registry.getModel(modelName).tags() : versions.get(modelName, semver).tags();
  }

  private void setBookkeepingTag(String modelName, String semver, String key, String value) {
    if (semver == null) {
      registry.setModelTag(modelName, key, value);
    } else {
      registry.setModelVersionTag(modelName, versions.get(modelName, semver).backendVersion(), key, value);
    }
    resolver.invalidate(modelName);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new SerializationException("A registry bookkeeping tag holds malformed JSON: " + e.getMessage(), e);
    }
  }

  private static void copy(Map<String, String> from, String key, Map<String, String> to, String as) {
    String v = from.get(key);
    if (v != null) {
      to.put(as, v);
    }
  }
}
