package dev.vserve.impl.app;

import dev.vserve.DeploymentConfig;

/**
 * One deployment of an application as the controller deploys it: the class by name (so a plan can
 * cross nodes), its configuration, and its constructor arguments with {@link HandleRef}s in place of
 * bound deployments.
 */
public record DeploymentPlan(String name, String className, DeploymentConfig config, Object[] initArgs) {}
