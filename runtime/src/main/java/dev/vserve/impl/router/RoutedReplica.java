package dev.vserve.impl.router;

import dev.vserve.RequestRouter;

import java.util.List;
import java.util.Set;

/** One replica as a router sees it: its client, the calls it has in flight, and the models it holds. */
final class RoutedReplica implements RequestRouter.Replica {
  /** What a replica that just refused a call reports as its queue length: more than any limit. */
  private static final int FULL = Integer.MAX_VALUE / 2;
  private static final long REFUSAL_MEMORY_NANOS = 20_000_000;

  final String id;
  final String nodeId;
  final ReplicaClient client;
  int inFlight;
  /** The multiplexed models it holds, as it last reported them. */
  volatile Set<String> models = Set.of();
  /** What its code last said of itself ({@code record_routing_stats}). */
  volatile java.util.Map<String, Object> routingStats = java.util.Map.of();
  /** The deployment's maxOngoingRequests, as last announced. */
  volatile int maxOngoing = Integer.MAX_VALUE;
  /** Calls sent to it over the event bus and not answered yet: the ones lost if its node dies. */
  final Set<PendingCall> remote = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  /**
   * Until when (System.nanoTime) it counts as full because it refused a call: it may be full with
   * other routers' calls, or stuck, and a policy that keeps picking it would spin on refusals.
   */
  private long refusedUntil;

  RoutedReplica(String id, String nodeId, ReplicaClient client) {
    this.id = id;
    this.nodeId = nodeId;
    this.client = client;
  }

  @Override public String id() { return id; }
  @Override public String nodeId() { return nodeId; }
  @Override public Set<String> multiplexedModelIds() { return models; }
  @Override public java.util.Map<String, Object> routingStats() { return routingStats; }
  @Override public int maxOngoingRequests() { return maxOngoing; }

  /** It refused a call: full for a moment. */
  void refused() {
    refusedUntil = System.nanoTime() + REFUSAL_MEMORY_NANOS;
  }

  @Override
  public int queueLength() {
    if (refusedUntil != 0) {
      if (System.nanoTime() < refusedUntil) return FULL;
      refusedUntil = 0;
    }
    return inFlight;
  }

  /** Of the replicas with room, one holding the fewest models (the least loaded of those); null when all are full. */
  static RoutedReplica fewestModels(List<RoutedReplica> replicas, int maxOngoing) {
    RoutedReplica best = null;
    for (RoutedReplica r : replicas) {
      if (r.queueLength() >= maxOngoing) continue;
      if (best == null || r.models.size() < best.models.size()
          || (r.models.size() == best.models.size() && r.queueLength() < best.queueLength())) best = r;
    }
    return best;
  }

  /**
   * A ranked router's choice: the least loaded replica with room of the first group that has one,
   * among those still {@code live}; null when none has room.
   */
  static RoutedReplica firstWithRoom(List<List<RoutedReplica>> groups, List<RoutedReplica> live, int maxOngoing) {
    for (List<RoutedReplica> group : groups) {
      RoutedReplica best = null;
      for (RoutedReplica r : group) {
        if (r.queueLength() >= maxOngoing || !containsSame(live, r)) continue;
        if (best == null || r.queueLength() < best.queueLength()) best = r;
      }
      if (best != null) return best;
    }
    return null;
  }

  private static boolean containsSame(List<RoutedReplica> list, RoutedReplica r) {
    for (RoutedReplica x : list) if (x == r) return true;
    return false;
  }

  /**
   * The replicas not on {@code nodeId} ({@code replicas} itself when none is there); the calls in flight
   * to those that are go to {@code lost}, and whatever answer still comes from those sends is ignored.
   */
  static List<RoutedReplica> withoutNode(List<RoutedReplica> replicas, String nodeId, List<PendingCall> lost) {
    List<RoutedReplica> kept = new java.util.ArrayList<>(replicas.size());
    for (RoutedReplica r : replicas) {
      if (!nodeId.equals(r.nodeId)) {
        kept.add(r);
        continue;
      }
      for (PendingCall p : r.remote) {
        p.attempt++;
        lost.add(p);
      }
      r.remote.clear();
    }
    return kept.size() == replicas.size() ? replicas : List.copyOf(kept);
  }

  /** Of the replicas holding {@code model}, the least loaded with room; null when none has room. */
  static RoutedReplica leastLoadedHolding(List<RoutedReplica> replicas, String model, int maxOngoing) {
    RoutedReplica best = null;
    for (RoutedReplica r : replicas) {
      if (!r.models.contains(model) || r.queueLength() >= maxOngoing) continue;
      if (best == null || r.queueLength() < best.queueLength()) best = r;
    }
    return best;
  }
}
