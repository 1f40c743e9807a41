package dev.vserve.controller;

import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.tasks.TaskProcessorConfig;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** One deployment per task queue, cluster-wide: a task must have one place to go. */
final class TaskQueueOwners {
  private TaskQueueOwners() {}

  /** Why {@code plan} cannot be deployed beside the running applications, or null when it can. */
  static String conflict(Collection<ApplicationState> running, ApplicationPlan plan) {
    Map<String, String> owners = new HashMap<>();
    for (ApplicationState a : running) {
      if (a.name().equals(plan.name())) continue;  // a redeploy replaces its own consumers
      for (DeploymentPlan d : a.plan.deployments()) owners.putAll(queues(a.name(), d));
    }
    for (DeploymentPlan d : plan.deployments()) {
      for (var q : queues(plan.name(), d).entrySet()) {
        String owner = owners.putIfAbsent(q.getKey(), q.getValue());
        if (owner != null) {
          return "task queue '" + q.getKey() + "' of deployment '" + d.name() + "' is already consumed by " + owner
              + " (or used as its dead-letter queue)";
        }
      }
    }
    return null;
  }

  /** The queues a deployment consumes or moves dead letters to, each with who owns it. */
  private static Map<String, String> queues(String app, DeploymentPlan d) {
    TaskProcessorConfig c = d.config().getTaskConsumer();
    Map<String, String> out = new HashMap<>();
    if (c == null) return out;
    String who = "deployment '" + d.name() + "' of application '" + app + "'";
    out.put(c.getQueueName(), who);
    if (c.getFailedTaskQueueName() != null) out.putIfAbsent(c.getFailedTaskQueueName(), who);
    if (c.getUnprocessableTaskQueueName() != null) out.putIfAbsent(c.getUnprocessableTaskQueueName(), who);
    return out;
  }
}
