package dev.vserve.replica;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a replica is stuck: a call cancelled after its deadline whose thread has not ended within
 * the grace period (Java code that ignores interruption), or a step of a language host that has run
 * longer than the request timeout plus the grace period (Python in an endless loop). A stuck replica
 * holds its slots for good, so it is taken out of routing and replaced. Times are passed in
 * (nanoseconds), so the rule is tested without waiting.
 */
final class ReplicaHealth {
  private final long requestTimeoutNanos;
  private final long graceNanos;
  /** Threads of calls cancelled after their deadline, and when they were interrupted. */
  private final Map<Thread, Long> interrupted = new ConcurrentHashMap<>();

  ReplicaHealth(long requestTimeoutMs, long graceMs) {
    this.requestTimeoutNanos = requestTimeoutMs * 1_000_000;
    this.graceNanos = graceMs * 1_000_000;
  }

  void interrupted(Thread t, long now) {
    interrupted.putIfAbsent(t, now);
  }

  /** The call on {@code t} returned (however late): it no longer counts. */
  void ended(Thread t) {
    interrupted.remove(t);
  }

  /** How full the heap must be before a replica's allocations are held against its budget. */
  static final double PRESSURE = 0.7;

  /**
   * Why the replica must go for its memory, or null: its current step has allocated more than its
   * budget while the heap is running full. One handler that allocates without end then costs its
   * replica (restarted), never the node.
   */
  static String overBudget(long stepAllocatedBytes, long budgetBytes, double heapFullness) {
    if (heapFullness < PRESSURE || stepAllocatedBytes <= budgetBytes) return null;
    return "its code allocated " + (stepAllocatedBytes >> 20) + " MiB in one step, over its memory budget of "
        + (budgetBytes >> 20) + " MiB, with the heap " + Math.round(heapFullness * 100) + "% full";
  }

  /** Why the replica is stuck, or null if it is not. */
  String stuck(long now, long uninterruptibleNanos) {
    for (var e : interrupted.entrySet()) {
      long deaf = now - e.getValue();
      if (deaf > graceNanos && e.getKey().isAlive()) {
        return "a call ignored cancellation for " + deaf / 1_000_000 + " ms after its deadline";
      }
    }
    if (uninterruptibleNanos > requestTimeoutNanos + graceNanos) {
      return "its code has not returned for " + uninterruptibleNanos / 1_000_000 + " ms (request timeout "
          + requestTimeoutNanos / 1_000_000 + " ms)";
    }
    return null;
  }
}
