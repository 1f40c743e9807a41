package dev.vserve.impl.tasks;

import dev.vserve.impl.app.RouteTable;

import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The task queues' reaper: queues again every task whose lease ran out (a retry whose back-off is
 * over, or a task whose consumer fell silent), and measures each consumed queue as it passes. Safe on
 * every node at once: the lease is the claim.
 */
final class TaskReaper {
  private final TaskStore store;
  private final Supplier<RouteTable> routes;
  private final LongSupplier clock;
  /** Each consumed queue's depth at the last pass: what the autoscaler and the metrics read. */
  private final Map<String, Integer> depths = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Integer> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

  TaskReaper(TaskStore store, Supplier<RouteTable> routes, LongSupplier clock) {
    this.store = store;
    this.routes = routes;
    this.clock = clock;
  }

  /** Queues again the tasks of these leases that ran out; how many it queued. */
  int reap(Map<String, Long> leases) {
    long now = clock.getAsLong();
    int queued = 0;
    for (var e : leases.entrySet()) {
      if (e.getValue() > now) continue;
      String key = e.getKey();
      String id = key.substring(key.lastIndexOf('/') + 1);
      boolean requeued = store.atomically(tx -> {
        Long deadline = tx.lease(key);
        if (deadline == null || deadline > now) return false;
        tx.release(key);
        String raw = tx.get(id);
        if (raw == null) return false;
        TaskRecord r = TaskRecord.decode(raw);
        if (r.status().isFinal()) return false;
        if (r.status() == dev.vserve.tasks.TaskStatus.STARTED) {
          r = r.retrying("redelivered: its consumer on node " + r.node() + " gave no sign of life within the visibility timeout");
        }
        tx.put(id, r.encode(), 0);
        tx.offer(r.queue(), id);
        return true;
      });
      if (requeued) queued++;
    }
    return queued;
  }

  /** Each consumed queue's depth, and its tasks running or waiting for a retry, as of now. */
  void measure(Map<String, Long> leases) {
    java.util.Set<String> now = new java.util.HashSet<>();
    Map<String, Integer> held = new java.util.HashMap<>();
    for (String key : leases.keySet()) held.merge(key.substring(0, key.lastIndexOf('/')), 1, Integer::sum);
    for (RouteTable.TaskQueue q : routes.get().queues()) {
      now.add(q.name());
      depths.put(q.name(), store.depth(q.name()));
      inFlight.put(q.name(), held.getOrDefault(q.name(), 0));
    }
    depths.keySet().retainAll(now);
    inFlight.keySet().retainAll(now);
  }

  /** The queue's depth as of the last look (every reaper pass); 0 if unknown. */
  int lastDepth(String queue) {
    return depths.getOrDefault(queue, 0);
  }

  /** Tasks of the queue running or waiting for a retry, as of the last look. */
  int lastInFlight(String queue) {
    return inFlight.getOrDefault(queue, 0);
  }
}
