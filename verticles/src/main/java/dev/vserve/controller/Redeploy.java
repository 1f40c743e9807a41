package dev.vserve.controller;

import dev.vserve.DeploymentConfig;
import dev.vserve.impl.Json;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.cluster.Placement;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ray's rules for deploying an application again under the same name, per deployment: a change of
 * settings only ({@code num_replicas}, autoscaling, {@code user_config}, {@code max_ongoing_requests},
 * health checks...) applies to the running replicas in place; a change of code, constructor
 * arguments or resources replaces the replicas, rolling (new ones up before old ones drain).
 */
final class Redeploy {
  enum Change { NONE, IN_PLACE, REPLACE, ADDED, REMOVED }

  private Redeploy() {}

  static Change compare(DeploymentPlan before, DeploymentPlan after) {
    if (before == null) return Change.ADDED;
    if (after == null) return Change.REMOVED;
    if (!before.code().equals(after.code())
        || !Arrays.equals(Json.encode(before.initArgs()), Json.encode(after.initArgs()))
        || !Arrays.equals(Json.encode(before.initKwargs()), Json.encode(after.initKwargs()))
        || !Placement.Demand.of(before.config()).equals(Placement.Demand.of(after.config()))
        || !java.util.Objects.equals(before.config().getTaskConsumer(), after.config().getTaskConsumer())) {
      return Change.REPLACE;
    }
    return before.config().equals(after.config()) ? Change.NONE : Change.IN_PLACE;
  }

  /** Every deployment of either plan, with what the redeploy does to it. */
  static Map<String, Change> changes(ApplicationPlan running, ApplicationPlan wanted) {
    Map<String, Change> out = new LinkedHashMap<>();
    for (DeploymentPlan d : running.deployments()) out.put(d.name(), compare(d, wanted.deployment(d.name())));
    for (DeploymentPlan d : wanted.deployments()) out.putIfAbsent(d.name(), Change.ADDED);
    return out;
  }

  /**
   * The target after a redeploy: {@code num_replicas} for a fixed fleet; for an autoscaled one the
   * count it has, kept within the new bounds (it starts at {@code initial_replicas} only when new).
   */
  static int target(DeploymentState d, DeploymentConfig next) {
    var a = next.getAutoscalingConfig();
    if (a == null) return next.getNumReplicas();
    if (!d.autoscaled()) return a.startingReplicas();
    return Math.max(a.getMinReplicas(), Math.min(a.getMaxReplicas(), d.target()));
  }

  /** Whether the replicas must hear of the new settings (user_config, limits, health checks). */
  static boolean replicasAffected(DeploymentConfig before, DeploymentConfig after) {
    // the count and the autoscaler are the controller's; everything else (user_config too) is the replica's
    return !before.copy().setNumReplicas(1).setAutoscalingConfig(null).equals(after.copy().setNumReplicas(1).setAutoscalingConfig(null));
  }
}
