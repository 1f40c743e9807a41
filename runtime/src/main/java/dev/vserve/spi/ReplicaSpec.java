package dev.vserve.spi;

import dev.vserve.DeploymentConfig;

import java.util.Map;

/** What a replica is made from: its deployment's name, code reference, configuration and constructor arguments. */
public interface ReplicaSpec {
  String name();

  /** A Java class name, or a language host's reference such as {@code python:<file>:<qualified name>}. */
  String code();

  DeploymentConfig config();

  /** Positional constructor arguments (bound deployments as placeholders the factory's resolver turns into handles). */
  Object[] initArgs();

  Map<String, Object> initKwargs();
}
