package dev.vserve.controller;

import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.cluster.Placement;

import java.util.ArrayList;
import java.util.List;

/**
 * What the controller knows of one deployment: its plan and the replicas it has (running, starting,
 * and unhealthy ones being stopped), why it lacks any, and when to try starting again. Plain state,
 * no Vert.x: the control loop asks it what is missing and tells it what happened; times are passed
 * in, so it is tested on a clock of the test's.
 */
final class DeploymentState {
  /** Ray Serve's deployment statuses, as {@code vserve status} shows them. */
  enum Status { HEALTHY, UPDATING, UNHEALTHY }

  /** The longest wait between start attempts of a deployment whose replicas keep failing to start. */
  static final long MAX_BACKOFF_MS = 30_000;

  /** Replaced in place when a redeploy changes only user_config (the demand stays). */
  DeploymentPlan plan;
  final Placement.Demand demand;
  final List<ReplicaRecord> running = new ArrayList<>();
  final List<ReplicaRecord> starting = new ArrayList<>();
  /** Out of routing and being stopped; they hold their resources until they are gone. */
  final List<ReplicaRecord> unhealthy = new ArrayList<>();
  private String message = "";
  private int failures;
  private long nextAttemptMs;

  DeploymentState(DeploymentPlan plan) {
    this.plan = plan;
    this.demand = Placement.Demand.of(plan.config());
  }

  String name() {
    return plan.name();
  }

  int target() {
    return plan.config().getNumReplicas();
  }

  /** Replicas to start to reach the target (negative: too many). */
  int missing() {
    return target() - running.size() - starting.size();
  }

  /** Whether a start may be tried now (not backing off after failures). */
  boolean mayStart(long nowMs) {
    return nowMs >= nextAttemptMs;
  }

  Status status() {
    if (running.size() >= target()) return Status.HEALTHY;
    return message.isEmpty() ? Status.UPDATING : Status.UNHEALTHY;
  }

  String message() {
    return message;
  }

  void note(String why) {
    message = why;
  }

  /** A replica is up: it serves, and the deployment's trouble (if any) is over. */
  void started(ReplicaRecord r) {
    starting.remove(r);
    failures = 0;
    message = "";
    running.add(r);
  }

  /** A start failed: try again after a back-off that doubles with each failure in a row (1 s .. 30 s). */
  void startFailed(ReplicaRecord r, String why, long nowMs) {
    starting.remove(r);
    failures++;
    nextAttemptMs = nowMs + Math.min(MAX_BACKOFF_MS, 1000L << Math.min(failures, 5));
    message = why;
  }

  /** A running replica reported itself stuck: out of the set, kept as unhealthy until it is stopped. */
  ReplicaRecord markUnhealthy(String replicaId, String reason) {
    for (ReplicaRecord r : running) {
      if (r.id().equals(replicaId)) {
        running.remove(r);
        unhealthy.add(r);
        message = "replica " + replicaId + " was UNHEALTHY (" + reason + "); replacing it";
        return r;
      }
    }
    return null;
  }

  /** Its node left: the replicas there are gone. How many it lost. */
  int nodeLeft(String nodeId) {
    int before = running.size();
    running.removeIf(r -> r.nodeId().equals(nodeId));
    unhealthy.removeIf(r -> r.nodeId().equals(nodeId));
    return before - running.size();
  }

  /** Every replica that holds resources on a node (for placement). */
  List<ReplicaRecord> holding() {
    List<ReplicaRecord> all = new ArrayList<>(running);
    all.addAll(starting);
    all.addAll(unhealthy);
    return all;
  }
}
