package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.ReplicaContext;

import java.util.Map;

/** Answers with the configuration its replica runs with, so tests can see config-file overrides. */
@Deployment
public class ConfigProbe {
  public Map<String, Object> call() {
    ReplicaContext ctx = ReplicaContext.current();
    return Map.of("deployment", ctx.deploymentName(), "num_replicas", ctx.config().getNumReplicas(),
        "max_ongoing_requests", ctx.config().getMaxOngoingRequests());
  }

  public static final Application app = Application.bind(ConfigProbe.class);
}
