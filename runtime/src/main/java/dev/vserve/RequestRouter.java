package dev.vserve;

import java.util.List;

/**
 * Picks the replica for each call, in proxies and handles alike. The default is power of two
 * choices on queue length; supply another through {@code ServeNode}'s node context.
 */
public interface RequestRouter {
  /**
   * @param replicas the live replicas of a deployment (never empty)
   * @return one with {@code queueLength() < maxOngoingRequests}, or null when every one is full
   */
  Replica choose(List<? extends Replica> replicas, int maxOngoingRequests);

  /**
   * As {@link #choose(List, int)}, knowing the caller's node so that a policy may prefer replicas
   * next to it (no network hop). The default ignores it.
   */
  default Replica choose(List<? extends Replica> replicas, int maxOngoingRequests, String callerNode) {
    return choose(replicas, maxOngoingRequests);
  }

  /** What a router knows of one replica. */
  interface Replica {
    String id();

    String nodeId();

    /** Calls this caller has sent to it and not yet seen answered. */
    int queueLength();

    /** The multiplexed models it holds, as it last reported them (see {@link MultiplexedModels}). */
    default java.util.Set<String> multiplexedModelIds() {
      return java.util.Set.of();
    }
  }
}
