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
  enum Status { HEALTHY, UPDATING, UPSCALING, DOWNSCALING, UNHEALTHY, DEPLOY_FAILED }

  /** Start failures in a row after which a deployment is DEPLOY_FAILED (it keeps trying, at the longest back-off). */
  static final int MAX_START_FAILURES = 3;

  /** The longest wait between start attempts of a deployment whose replicas keep failing to start. */
  static final long MAX_BACKOFF_MS = 30_000;

  /** Replaced in place by a redeploy; a change of code or demand also makes the running replicas outdated. */
  DeploymentPlan plan;
  Placement.Demand demand;
  /** Replicas wanted: {@code num_replicas}, or what the autoscaler (or an external scaler) decided. */
  int target;
  /** Counts code replacements: a replica started before the last one is outdated when it comes up. */
  int codeVersion;
  final List<ReplicaRecord> running = new ArrayList<>();
  final List<ReplicaRecord> starting = new ArrayList<>();
  /** Out of routing and being stopped; they hold their resources until they are gone. */
  final List<ReplicaRecord> unhealthy = new ArrayList<>();
  /** Out of routing and draining (scaled down, or replaced by a rolling update). */
  final List<ReplicaRecord> stopping = new ArrayList<>();
  /** Running replicas of an earlier version of the code, retired one by one as new ones come up. */
  final List<ReplicaRecord> outdated = new ArrayList<>();
  private String message = "";
  private int failures;
  private long nextAttemptMs;

  DeploymentState(DeploymentPlan plan) {
    this.plan = plan;
    this.demand = Placement.Demand.of(plan.config());
    this.target = initialTarget(plan);
  }

  static int initialTarget(DeploymentPlan plan) {
    var a = plan.config().getAutoscalingConfig();
    return a == null ? plan.config().getNumReplicas() : a.startingReplicas();
  }

  boolean autoscaled() {
    return plan.config().getAutoscalingConfig() != null;
  }

  String name() {
    return plan.name();
  }

  int target() {
    return target;
  }

  /** Replicas of the current version to start to reach the target (negative: too many). */
  int missing() {
    return target - current() - starting.size();
  }

  /** Running replicas of the current version. */
  int current() {
    return running.size() - outdated.size();
  }

  /** Replicas serving now, of any version. */
  int serving() {
    return running.size();
  }

  /** Whether a start may be tried now (not backing off after failures). */
  boolean mayStart(long nowMs) {
    return nowMs >= nextAttemptMs;
  }

  Status status() {
    if (failures >= MAX_START_FAILURES) return Status.DEPLOY_FAILED;
    if (!outdated.isEmpty()) return Status.UPDATING;
    if (current() == target && starting.isEmpty()) return Status.HEALTHY;
    if (!message.isEmpty() && current() < target) return Status.UNHEALTHY;
    return current() < target ? (autoscaled() ? Status.UPSCALING : Status.UPDATING) : Status.DOWNSCALING;
  }

  int failures() {
    return failures;
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
        outdated.remove(r);
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
    outdated.removeIf(r -> r.nodeId().equals(nodeId));
    unhealthy.removeIf(r -> r.nodeId().equals(nodeId));
    stopping.removeIf(r -> r.nodeId().equals(nodeId));
    return before - running.size();
  }

  /** Every replica that holds resources on a node (for placement). */
  List<ReplicaRecord> holding() {
    List<ReplicaRecord> all = new ArrayList<>(running);
    all.addAll(starting);
    all.addAll(unhealthy);
    all.addAll(stopping);
    return all;
  }

  /**
   * Takes a replica out of routing to drain and stop: an outdated one first (a rolling update), else
   * the newest current one (scaling down); null when none runs.
   */
  ReplicaRecord retireOne() {
    ReplicaRecord r = !outdated.isEmpty() ? outdated.remove(0) : running.isEmpty() ? null : running.get(running.size() - 1);
    if (r == null) return null;
    running.remove(r);
    stopping.add(r);
    return r;
  }

  /** A redeploy changed the code (or its arguments, or what a replica needs): the running replicas are now outdated. */
  void replaceCode(DeploymentPlan changed) {
    plan = changed;
    demand = Placement.Demand.of(changed.config());
    codeVersion++;
    outdated.clear();
    outdated.addAll(running);
  }
}
