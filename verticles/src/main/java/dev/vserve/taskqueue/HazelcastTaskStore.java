package dev.vserve.taskqueue;

import com.hazelcast.collection.IQueue;
import com.hazelcast.collection.ItemEvent;
import com.hazelcast.collection.ItemListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.transaction.TransactionContext;
import com.hazelcast.transaction.TransactionOptions;
import com.hazelcast.transaction.TransactionalMap;
import com.hazelcast.transaction.TransactionalQueue;
import dev.vserve.impl.tasks.TaskStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The tasks of a cluster, in its Hazelcast: records and leases in maps, each queue an {@code IQueue},
 * all with one synchronous backup on another member (Hazelcast's default), so that losing any one node
 * loses no task and no result. Changes are two-phase transactions: a member that dies holding one rolls
 * back, and a task it had polled returns to its queue.
 */
public final class HazelcastTaskStore implements TaskStore {
  private static final String RECORDS = "vserve.tasks.records";
  private static final String LEASES = "vserve.tasks.leases";
  private static final String QUEUE = "vserve.tasks.queue.";
  /**
   * A transaction's longest life (they last milliseconds): what a task polled by a member that died
   * mid-transaction waits before it is back in its queue.
   */
  private static final int TX_TIMEOUT_S = 5;
  private static final TransactionOptions TX = new TransactionOptions()
      .setTransactionType(TransactionOptions.TransactionType.TWO_PHASE).setTimeout(TX_TIMEOUT_S, TimeUnit.SECONDS);

  private final HazelcastInstance hz;

  public HazelcastTaskStore(HazelcastInstance hz) {
    this.hz = hz;
  }

  @Override
  public <T> T atomically(Function<Tx, T> work) {
    TransactionContext tc = hz.newTransactionContext(TX);
    tc.beginTransaction();
    try {
      T result = work.apply(new HzTx(tc));
      tc.commitTransaction();
      return result;
    } catch (RuntimeException | Error e) {
      try {
        tc.rollbackTransaction();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  private static final class HzTx implements Tx {
    private final TransactionContext tc;
    private final TransactionalMap<String, String> records;
    private final TransactionalMap<String, Long> leases;
    private final Map<String, TransactionalQueue<String>> queues = new HashMap<>();

    HzTx(TransactionContext tc) {
      this.tc = tc;
      this.records = tc.getMap(RECORDS);
      this.leases = tc.getMap(LEASES);
    }

    private TransactionalQueue<String> queue(String name) {
      return queues.computeIfAbsent(name, n -> tc.getQueue(QUEUE + n));
    }

    @Override public String get(String id) { return records.getForUpdate(id); }

    @Override
    public void put(String id, String record, long ttlMs) {
      if (ttlMs > 0) records.put(id, record, ttlMs, TimeUnit.MILLISECONDS); else records.set(id, record);
    }

    @Override public String poll(String queue) { return queue(queue).poll(); }
    @Override public void offer(String queue, String id) { queue(queue).offer(id); }
    @Override public Long lease(String id) { return leases.getForUpdate(id); }
    @Override public void lease(String id, long deadline) { leases.set(id, deadline); }
    @Override public void release(String id) { leases.delete(id); }
  }

  @Override
  public String read(String id) {
    return hz.<String, String>getMap(RECORDS).get(id);
  }

  @Override
  public void submit(String id, String record, String queue) {
    hz.<String, String>getMap(RECORDS).set(id, record);
    hz.<String>getQueue(QUEUE + queue).offer(id);
  }

  @Override
  public boolean replace(String id, String expected, String next, long ttlMs) {
    IMap<String, String> records = hz.getMap(RECORDS);
    if (!records.replace(id, expected, next)) return false;
    if (ttlMs > 0) records.setTtl(id, ttlMs, TimeUnit.MILLISECONDS);
    return true;
  }

  @Override
  public void release(String leaseKey) {
    hz.<String, Long>getMap(LEASES).delete(leaseKey);
  }

  @Override
  public Map<String, Long> leases() {
    return new HashMap<>(hz.<String, Long>getMap(LEASES));
  }

  @Override
  public void renew(List<String> ids, long deadline) {
    IMap<String, Long> leases = hz.getMap(LEASES);
    for (String id : ids) leases.replace(id, deadline);
  }

  @Override
  public int depth(String queue) {
    return hz.getQueue(QUEUE + queue).size();
  }

  @Override
  public List<String> peek(String queue, int limit) {
    List<String> out = new ArrayList<>();
    Iterator<String> it = hz.<String>getQueue(QUEUE + queue).iterator();
    while (it.hasNext() && out.size() < limit) out.add(it.next());
    return out;
  }

  @Override
  public Runnable onOffer(String queue, Runnable wake) {
    IQueue<String> q = hz.getQueue(QUEUE + queue);
    UUID id = q.addItemListener(new ItemListener<>() {
      @Override public void itemAdded(ItemEvent<String> e) { wake.run(); }
      @Override public void itemRemoved(ItemEvent<String> e) {}
    }, false);
    return () -> {
      try {
        q.removeItemListener(id);
      } catch (RuntimeException shuttingDown) {
        // Hazelcast stops with the node
      }
    };
  }

  @Override
  public void close() {
  }
}
