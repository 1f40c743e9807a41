package dev.vserve.impl;

/**
 * System properties through which the command line tells the Python host (vserve-polyglot-host,
 * which it does not depend on) what the operator allowed.
 */
public final class PythonHostProperties {
  /** Java classes Python may bind with {@code java_deployment} besides {@code @Deployment} ones (comma-separated). */
  public static final String ALLOW_JAVA_DEPLOYMENTS = "vserve.python.allowJavaDeployments";
  /** Directories Python may load model weights from besides its own folder (path-separator-separated). */
  public static final String MODEL_DIRS = "vserve.python.modelDirs";

  private PythonHostProperties() {}
}
