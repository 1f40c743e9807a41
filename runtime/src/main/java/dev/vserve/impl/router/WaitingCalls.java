package dev.vserve.impl.router;

import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The calls waiting for room at one {@link DeploymentRouter}, in FIFO order (refused calls go back
 * to the front). Deadlines are enforced by one periodic sweep while calls wait, not a timer per call:
 * in Ray's default configuration (maxOngoingRequests = 5) most calls under load wait here, and a
 * timer each was a measurable cost. Guarded by the router's lock.
 */
final class WaitingCalls {
  private static final long SWEEP_MS = 20;

  private final Vertx vertx;
  private final Object lock;
  private final Consumer<List<PendingCall>> onExpired;
  private final ArrayDeque<PendingCall> calls = new ArrayDeque<>();
  private long sweeper = -1;

  WaitingCalls(Vertx vertx, Object lock, Consumer<List<PendingCall>> onExpired) {
    this.vertx = vertx;
    this.lock = lock;
    this.onExpired = onExpired;
  }

  void add(PendingCall p, boolean front) {
    if (front) calls.addFirst(p); else calls.addLast(p);
    if (sweeper < 0 && p.call.deadlineMs() > 0) sweeper = vertx.setPeriodic(SWEEP_MS, t -> sweep());
  }

  PendingCall peek() { return calls.peekFirst(); }
  PendingCall poll() { return calls.pollFirst(); }
  boolean isEmpty() { return calls.isEmpty(); }
  int size() { return calls.size(); }

  /** Removes every call, for the caller to fail. */
  List<PendingCall> clear() {
    List<PendingCall> all = new ArrayList<>(calls);
    calls.clear();
    stopSweeping();
    return all;
  }

  private void sweep() {
    List<PendingCall> expired = new ArrayList<>();
    synchronized (lock) {
      long now = System.currentTimeMillis();
      calls.removeIf(p -> {
        boolean late = p.call.deadlineMs() > 0 && now >= p.call.deadlineMs();
        if (late) expired.add(p);
        return late;
      });
      if (calls.isEmpty()) stopSweeping();
    }
    if (!expired.isEmpty()) onExpired.accept(expired);
  }

  private void stopSweeping() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }
}
