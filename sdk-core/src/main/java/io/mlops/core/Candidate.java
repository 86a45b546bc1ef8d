package io.mlops.core;

import org.immutables.value.Value;

/** A candidate: one training attempt inside an experiment (MLflow's run), with its metadata and data. */
@Value.Immutable
public interface Candidate {
  /** Identity, status and timing. */
  CandidateInfo info();

  /** Latest metrics, params and tags. */
  CandidateData data();

  /** Shortcut for {@code info().id()}. */
  @Value.Derived
  default String id() {
    return info().id();
  }

  /** Shortcut for {@code info().name()}. */
  @Value.Derived
  default String name() {
    return info().name();
  }

  /** A candidate from its parts. */
  static Candidate of(CandidateInfo info, CandidateData data) {
    return ImmutableCandidate.builder().info(info).data(data).build();
  }
}
