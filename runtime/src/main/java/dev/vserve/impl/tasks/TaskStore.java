package dev.vserve.impl.tasks;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where tasks live: their records, the queues of their ids and the leases of running ones. Every
 * change runs in {@link #atomically}: with Hazelcast a two-phase transaction (a member that dies before
 * it commits changes nothing: a task it took goes back to its queue), alone a lock. All methods
 * block; the broker calls them off the event loop.
 */
public interface TaskStore extends AutoCloseable {
  /** Runs {@code work} as one transaction: all of its changes, or none if it throws. */
  <T> T atomically(Function<Tx, T> work);

  /** A record read outside any transaction (null: none, or expired). */
  String read(String id);

  /** Writes a new record, then queues its id (no transaction: see the broker). */
  void submit(String id, String record, String queue);

  /** Replaces a record if it is still {@code expected}; {@code ttlMs} > 0: it expires after that long. */
  boolean replace(String id, String expected, String next, long ttlMs);

  /** Drops a lease, outside any transaction. */
  void release(String leaseKey);

  /** Every lease now (task id to deadline, epoch millis), for the reaper. */
  Map<String, Long> leases();

  /** Extends the leases of tasks a consumer still runs, those that still have one. */
  void renew(List<String> ids, long deadline);

  int depth(String queue);

  /** Up to {@code limit} ids waiting in a queue, oldest first, without taking them. */
  List<String> peek(String queue, int limit);

  /** Calls {@code wake} when an id is offered to {@code queue} (possibly on another node); returns a way to stop. */
  Runnable onOffer(String queue, Runnable wake);

  @Override
  void close();

  /** The operations of one transaction. */
  interface Tx {
    /** The record, locked until the transaction ends; null: none. */
    String get(String id);

    /** Writes a record; {@code ttlMs} > 0: it expires after that long. */
    void put(String id, String record, long ttlMs);

    /** Takes the oldest id of a queue; null when empty. */
    String poll(String queue);

    void offer(String queue, String id);

    /** The task's lease deadline, locked until the transaction ends; null: none. */
    Long lease(String id);

    void lease(String id, long deadline);

    void release(String id);
  }
}
