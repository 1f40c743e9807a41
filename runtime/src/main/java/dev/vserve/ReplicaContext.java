package dev.vserve;

/**
 * Where the calling code runs: Ray Serve's {@code serve.get_replica_context()}. Available in a
 * deployment's constructor, its methods and its batches; null elsewhere.
 */
public record ReplicaContext(String appName, String deploymentName, String replicaId, DeploymentConfig config) {
  private static final InheritableThreadLocal<ReplicaContext> CURRENT = new InheritableThreadLocal<>();

  public static ReplicaContext current() {
    return CURRENT.get();
  }

  /** Set by the replica on the threads it runs user code on (threads they start inherit it). */
  public static void set(ReplicaContext context) {
    CURRENT.set(context);
  }
}
