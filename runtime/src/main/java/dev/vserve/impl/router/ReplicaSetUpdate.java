package dev.vserve.impl.router;

import java.util.List;

/**
 * The controller's announcement of a deployment's live replicas and limits, published to every
 * router in the cluster on each change. {@code version} orders announcements of one deployment.
 *
 * @param idempotent calls to it may be retried on another replica when their node is lost
 * @param metricsIntervalMs how often callers report their load to the controller's autoscaler (0: not autoscaled)
 * @param backpressure the answer to calls refused for a full queue (null: 503, no Retry-After)
 * @param router the deployment's own request router (null: the node's default)
 * @param code the deployment's code, which says who loads its router (a Python app's file)
 */
public record ReplicaSetUpdate(
    String app,
    String deployment,
    long version,
    int maxOngoingRequests,
    int maxQueuedRequests,
    boolean idempotent,
    long metricsIntervalMs,
    List<ReplicaInfo> replicas,
    dev.vserve.BackpressureConfig backpressure,
    dev.vserve.RequestRouterConfig router,
    String code) {

  public static final String ADDRESS = "vserve.replicas";
}
