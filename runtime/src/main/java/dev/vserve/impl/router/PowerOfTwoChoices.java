package dev.vserve.impl.router;

import dev.vserve.RequestRouter;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ray Serve's default policy: sample two replicas, take the shorter queue; if both are full, scan
 * for any with room so that a full sample never queues a call that one idle replica could take.
 */
public final class PowerOfTwoChoices implements RequestRouter {
  @Override
  public Replica choose(List<? extends Replica> replicas, int maxOngoing) {
    int n = replicas.size();
    if (n == 1) {
      Replica only = replicas.get(0);
      return only.queueLength() < maxOngoing ? only : null;
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int i = rnd.nextInt(n);
    int j = rnd.nextInt(n - 1);
    if (j >= i) j++;
    Replica a = replicas.get(i);
    Replica b = replicas.get(j);
    Replica best = a.queueLength() <= b.queueLength() ? a : b;
    if (best.queueLength() < maxOngoing) return best;
    Replica least = null;
    for (Replica r : replicas) {
      if (r.queueLength() < maxOngoing && (least == null || r.queueLength() < least.queueLength())) least = r;
    }
    return least;
  }
}
