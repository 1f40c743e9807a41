package dev.vserve.controller;

import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the controller knows of one application: its plan, its deployments' states, and its status. */
final class ApplicationState {
  /** Ray Serve's application statuses. */
  enum Status { DEPLOYING, RUNNING, DEPLOY_FAILED, DELETING }

  /** Replaced in place when a redeploy changes only user_config. */
  ApplicationPlan plan;
  final Map<String, DeploymentState> deployments = new LinkedHashMap<>();
  Status status = Status.DEPLOYING;
  String message = "";

  ApplicationState(ApplicationPlan plan) {
    this.plan = plan;
    for (DeploymentPlan d : plan.deployments()) deployments.put(d.name(), new DeploymentState(d));
  }

  String name() {
    return plan.name();
  }

  /** Only a running application is routed to, and kept at its targets. */
  boolean running() {
    return status == Status.RUNNING;
  }

  /** Whether any deployment of a running application lacks replicas. */
  boolean belowTarget() {
    if (!running()) return false;
    for (DeploymentState d : deployments.values()) if (d.missing() > 0) return true;
    return false;
  }

  void failed(String why) {
    status = Status.DEPLOY_FAILED;
    message = why;
  }
}
