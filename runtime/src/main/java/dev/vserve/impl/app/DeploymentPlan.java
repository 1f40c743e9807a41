package dev.vserve.impl.app;

import dev.vserve.DeploymentConfig;

import java.util.Map;

/**
 * One deployment of an application as the controller deploys it: the code by name (a class name, or
 * a language host's reference, so a plan can cross nodes), its configuration, and its constructor
 * arguments with {@link HandleRef}s in place of bound deployments.
 */
public record DeploymentPlan(String name, String code, DeploymentConfig config, Object[] initArgs,
                             Map<String, Object> initKwargs) implements dev.vserve.spi.ReplicaSpec {
  public DeploymentPlan {
    initKwargs = initKwargs == null ? Map.of() : initKwargs;
  }

  public DeploymentPlan withConfig(DeploymentConfig changed) {
    return new DeploymentPlan(name, code, changed, initArgs, initKwargs);
  }
}
