package dev.vserve.impl.router;

import dev.vserve.RequestRouter;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ray Serve's default policy: sample two replicas, take the shorter queue; if both are full, scan
 * for any with room so that a full sample never queues a call that one idle replica could take.
 * Knowing the caller's node, it prefers the least loaded replica there when that one is not busier
 * than the sample's pick, as Ray Serve prefers same-node replicas.
 */
public final class PowerOfTwoChoices implements RequestRouter.Immediate {
  @Override
  public Replica choose(List<? extends Replica> replicas, int maxOngoing, String callerNode) {
    int n = replicas.size();
    if (n == 1) {
      Replica only = replicas.get(0);
      return only.queueLength() < maxOngoing ? only : null;
    }
    Replica local = callerNode == null ? null : leastLoaded(replicas, maxOngoing, callerNode);
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int i = rnd.nextInt(n);
    int j = rnd.nextInt(n - 1);
    if (j >= i) j++;
    Replica a = replicas.get(i);
    Replica b = replicas.get(j);
    Replica best = a.queueLength() <= b.queueLength() ? a : b;
    if (local != null && local.queueLength() <= best.queueLength()) return local;
    if (best.queueLength() < maxOngoing) return best;
    return local != null ? local : leastLoaded(replicas, maxOngoing, null);
  }

  /** The replica with the shortest queue and room, on {@code node} when given. */
  static <R extends Replica> R leastLoaded(List<R> replicas, int maxOngoing, String node) {
    R least = null;
    for (R r : replicas) {
      if (node != null && !node.equals(r.nodeId())) continue;
      if (r.queueLength() < maxOngoing && (least == null || r.queueLength() < least.queueLength())) least = r;
    }
    return least;
  }
}
