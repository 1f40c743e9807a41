package dev.vserve;

/**
 * Where the calling code runs: Ray Serve's {@code serve.get_replica_context()}. Available in a
 * deployment's constructor, its methods and its batches; null elsewhere.
 *
 * @param nodeId the node the replica was placed on
 * @param gpuIds the GPUs placement gave it (shared ones appear in several replicas); empty without GPUs
 */
public record ReplicaContext(String appName, String deploymentName, String replicaId, DeploymentConfig config,
                             String nodeId, java.util.List<Integer> gpuIds) {
  public static ReplicaContext current() {
    return dev.vserve.impl.replica.CurrentReplica.get();
  }
}
