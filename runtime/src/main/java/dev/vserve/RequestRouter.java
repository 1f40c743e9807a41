package dev.vserve;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the replica for each call, in proxies and handles alike (Ray's {@code RequestRouter}). A
 * deployment names its own with {@link RequestRouterConfig} ({@code @Deployment(requestRouter = ...)},
 * Python's {@code request_router_config}); the node's default for the others is set in
 * {@link ServeOptions#setRequestRouter}, power of two choices unless changed.
 *
 * <p>A router ranks: {@link #chooseReplicas} answers groups of candidates, most preferred first, and
 * the call goes to the least loaded replica with room ({@code queueLength() < maxOngoingRequests()})
 * of the first group that has one. When none has room, or the answer is empty, the call keeps its
 * place in the caller's FIFO queue and the router is asked again after a completion or a short
 * back-off. A router that fails, throws, answers a replica it was not given or takes longer than
 * two seconds is logged and that call is routed by power of two choices instead.
 */
public interface RequestRouter {
  /**
   * Ray's {@code choose_replicas}: ranked groups of {@code candidates} for {@code request}. Called
   * one call at a time per deployment and node, on any thread; may complete later.
   *
   * @param candidates the live replicas of the deployment (never empty)
   */
  Future<List<List<Replica>>> chooseReplicas(List<Replica> candidates, PendingRequest request);

  /** Told once a call was sent to {@code replica} (Ray's {@code on_request_routed}). */
  default void onRequestRouted(PendingRequest request, Replica replica) {
  }

  /**
   * A router that picks one replica at once, on the caller's thread, with no future per call: the
   * fast path the default (power of two choices) takes.
   */
  @FunctionalInterface
  interface Immediate extends RequestRouter {
    /**
     * @param replicas the live replicas of a deployment (never empty)
     * @param callerNode the node the call starts from, so that a policy may prefer replicas there
     * @return one with {@code queueLength() < maxOngoingRequests}, or null when every one is full
     */
    Replica choose(List<? extends Replica> replicas, int maxOngoingRequests, String callerNode);

    @Override
    default Future<List<List<Replica>>> chooseReplicas(List<Replica> candidates, PendingRequest request) {
      Replica r = choose(candidates, candidates.get(0).maxOngoingRequests(), request.callerNode());
      return Future.succeededFuture(r == null ? List.of() : List.of(List.of(r)));
    }
  }

  /** What a router knows of one replica (Ray's {@code RunningReplica}). */
  interface Replica {
    String id();

    String nodeId();

    /** Calls this caller has sent to it and not yet seen answered. */
    int queueLength();

    /** How many calls it takes at once (the deployment's {@code maxOngoingRequests}). */
    default int maxOngoingRequests() {
      return Integer.MAX_VALUE;
    }

    /** The multiplexed models it holds, as it last reported them (see {@link MultiplexedModels}). */
    default Set<String> multiplexedModelIds() {
      return Set.of();
    }

    /**
     * What its code last said of itself ({@link RoutingStats}, Python's {@code record_routing_stats()}),
     * every {@code request_routing_stats_period_s}; empty until then.
     */
    default Map<String, Object> routingStats() {
      return Map.of();
    }
  }

  /** The call being routed (Ray's {@code PendingRequest}). */
  interface PendingRequest {
    String requestId();

    /** The method called through a handle; {@code __call__} for an HTTP request. */
    String method();

    /** The method's arguments; for an HTTP request, the one {@link Request}. */
    List<Object> args();

    /** The multiplexed model it asks for; null when none. */
    String multiplexedModelId();

    /** The node the call starts from (its proxy or handle). */
    String callerNode();
  }
}
