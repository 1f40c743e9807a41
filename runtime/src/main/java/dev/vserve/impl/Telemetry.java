package dev.vserve.impl;

import dev.vserve.ReplicaContext;

import java.util.List;
import java.util.Map;

/**
 * Where the network-free parts (routers, handles, batch queues, models, user metrics) report what the
 * node's metrics count. {@code runtime} has no metrics library: the node installs the {@link Sink}
 * (Micrometer's, in the verticles); without one every report is dropped at the cost of a field read.
 */
public final class Telemetry {
  private static volatile Sink sink = new Sink() {};

  private Telemetry() {}

  /** The node's metrics; each report says which node (and replica) it is about. */
  public interface Sink {
    /** A call made through a handle, by the node {@code nodeId}. */
    default void handleCall(String nodeId, String app, String deployment, String method) {}

    /** Calls in flight to a node that left, retried elsewhere or failed. */
    default void nodeLossCalls(String nodeId, String app, String deployment, int retried, int failed) {}

    /** One batch a replica ran: how many calls, and how long its oldest call waited for the batch. */
    default void batch(ReplicaContext replica, String method, int size, long oldestWaitNanos) {}

    /** One inference of a model in a replica. */
    default void inference(ReplicaContext replica, String model, long nanos) {}

    /** A user metric ({@link dev.vserve.Metrics}): {@code kind} counter, gauge or histogram. */
    default void userMetric(ReplicaContext replica, String kind, String name, String description, List<Double> boundaries,
                            Map<String, String> tags, double value) {}
  }

  public static Sink sink() {
    return sink;
  }

  public static void install(Sink s) {
    sink = s;
  }
}
