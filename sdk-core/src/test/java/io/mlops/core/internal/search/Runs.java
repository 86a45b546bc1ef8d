package io.mlops.core.internal.search;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateData;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Test fixtures: terse builders for candidates and experiments, and id extraction. */
final class Runs {
  private Runs() {}

  /** A FINISHED candidate with the given id and start time, user "alice", no data. */
  static RunBuilder run(String id, long startTime) {
    return new RunBuilder(id, startTime);
  }

  static final class RunBuilder {
    private final CandidateInfo.Builder info;
    private final CandidateData.Builder data = CandidateData.builder();

    RunBuilder(String id, long startTime) {
      info = CandidateInfo.builder().id(id).experimentId("0").name("run-" + id).status(CandidateStatus.FINISHED)
          .startTime(startTime).artifactUri("file:///mlruns/0/" + id + "/artifacts").userId("alice");
    }

    RunBuilder name(String name) {
      info.name(name);
      return this;
    }

    RunBuilder status(CandidateStatus status) {
      info.status(status);
      return this;
    }

    RunBuilder end(long endTime) {
      info.endTime(endTime);
      return this;
    }

    RunBuilder user(String user) {
      info.userId(user);
      return this;
    }

    RunBuilder noUser() {
      info.userId(java.util.Optional.empty());
      return this;
    }

    RunBuilder artifactUri(String uri) {
      info.artifactUri(uri);
      return this;
    }

    RunBuilder metric(String key, double value) {
      data.putMetric(key, Metric.of(key, value, 0, 0));
      return this;
    }

    RunBuilder param(String key, String value) {
      data.putParam(key, value);
      return this;
    }

    RunBuilder tag(String key, String value) {
      data.putTag(key, value);
      return this;
    }

    Candidate build() {
      return Candidate.of(info.build(), data.build());
    }
  }

  /** An experiment with the given id, name and times, no tags. */
  static Experiment.Builder experiment(String id, String name, long created, long updated) {
    return Experiment.builder().id(id).name(name).artifactLocation("file:///mlruns/" + id)
        .creationTime(created).lastUpdateTime(updated);
  }

  /** Ids of the candidates that match, in input order. */
  static List<String> matching(String filter, Collection<Candidate> runs) {
    CandidateFilter f = CandidateFilter.parse(filter);
    return ids(runs.stream().filter(f::matches).collect(Collectors.toList()));
  }

  /** Ids of the experiments that match, in input order. */
  static List<String> matchingExperiments(String filter, Collection<Experiment> experiments) {
    Predicate<Experiment> p = ExperimentFilter.parse(filter)::matches;
    return experiments.stream().filter(p).map(Experiment::id).collect(Collectors.toList());
  }

  static List<String> ids(Collection<Candidate> runs) {
    return runs.stream().map(Candidate::id).collect(Collectors.toList());
  }

  /** Sorts a copy with {@link CandidateOrdering} and returns the ids. */
  static List<String> sorted(List<String> orderBy, Collection<Candidate> runs) {
    List<Candidate> copy = new ArrayList<>(runs);
    copy.sort(CandidateOrdering.parse(orderBy));
    return ids(copy);
  }

  /** Sorts a copy with {@link ExperimentOrdering} and returns the ids. */
  static List<String> sortedExperiments(List<String> orderBy, Collection<Experiment> experiments) {
    List<Experiment> copy = new ArrayList<>(experiments);
    copy.sort(ExperimentOrdering.parse(orderBy));
    return copy.stream().map(Experiment::id).collect(Collectors.toList());
  }
}
