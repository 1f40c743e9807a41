package dev.vserve.impl.tasks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The tasks of a node that runs alone, in its memory: lost when it stops (a cluster keeps them in
 * Hazelcast). One lock makes each change atomic; the broker's transactions decide before they write.
 */
public final class LocalTaskStore implements TaskStore {
  private final LongSupplier clock;
  private final Map<String, String> records = new HashMap<>();
  private final Map<String, Long> expiries = new HashMap<>();
  private final Map<String, Long> leases = new HashMap<>();
  private final Map<String, ArrayDeque<String>> queues = new HashMap<>();
  private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

  public LocalTaskStore(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public <T> T atomically(Function<Tx, T> work) {
    List<String> offered = new ArrayList<>();
    T result;
    synchronized (this) {
      result = work.apply(new Tx() {
        @Override public String get(String id) { return readLocked(id); }

        @Override
        public void put(String id, String record, long ttlMs) {
          records.put(id, record);
          if (ttlMs > 0) expiries.put(id, clock.getAsLong() + ttlMs); else expiries.remove(id);
        }

        @Override
        public String poll(String queue) {
          ArrayDeque<String> q = queues.get(queue);
          return q == null ? null : q.poll();
        }

        @Override
        public void offer(String queue, String id) {
          queues.computeIfAbsent(queue, k -> new ArrayDeque<>()).add(id);
          offered.add(queue);
        }

        @Override public Long lease(String id) { return leases.get(id); }
        @Override public void lease(String id, long deadline) { leases.put(id, deadline); }
        @Override public void release(String id) { leases.remove(id); }
      });
    }
    for (String q : offered) for (Runnable r : listeners.getOrDefault(q, List.of())) r.run();
    return result;
  }

  private String readLocked(String id) {
    Long expiry = expiries.get(id);
    if (expiry != null && expiry <= clock.getAsLong()) {
      records.remove(id);
      expiries.remove(id);
      return null;
    }
    return records.get(id);
  }

  @Override
  public synchronized String read(String id) {
    return readLocked(id);
  }

  @Override
  public void submit(String id, String record, String queue) {
    atomically(tx -> {
      tx.put(id, record, 0);
      tx.offer(queue, id);
      return null;
    });
  }

  @Override
  public synchronized boolean replace(String id, String expected, String next, long ttlMs) {
    if (!expected.equals(readLocked(id))) return false;
    records.put(id, next);
    if (ttlMs > 0) expiries.put(id, clock.getAsLong() + ttlMs); else expiries.remove(id);
    return true;
  }

  @Override
  public synchronized void release(String leaseKey) {
    leases.remove(leaseKey);
  }

  @Override
  public synchronized Map<String, Long> leases() {
    // expired results go with the reaper's pass, so a node that runs long does not keep them all
    long now = clock.getAsLong();
    expiries.entrySet().removeIf(e -> {
      if (e.getValue() > now) return false;
      records.remove(e.getKey());
      return true;
    });
    return new HashMap<>(leases);
  }

  @Override
  public synchronized void renew(List<String> ids, long deadline) {
    for (String id : ids) leases.computeIfPresent(id, (k, v) -> deadline);
  }

  @Override
  public synchronized int depth(String queue) {
    ArrayDeque<String> q = queues.get(queue);
    return q == null ? 0 : q.size();
  }

  @Override
  public synchronized List<String> peek(String queue, int limit) {
    ArrayDeque<String> q = queues.get(queue);
    return q == null ? List.of() : q.stream().limit(limit).toList();
  }

  @Override
  public Runnable onOffer(String queue, Runnable wake) {
    listeners.computeIfAbsent(queue, k -> new CopyOnWriteArrayList<>()).add(wake);
    return () -> listeners.getOrDefault(queue, List.of()).remove(wake);
  }

  @Override
  public void close() {
  }
}
