package dev.vserve.impl.batch;

import dev.vserve.BadRequestException;
import dev.vserve.Batch;
import dev.vserve.BatchOptions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The calls waiting for one batched method of one replica. A virtual thread collects them and hands
 * full or timed-out batches to new platform threads, at most {@code maxConcurrentBatches} at a time;
 * results go back to their callers in order. No event loop takes part.
 */
public final class BatchQueue {
  /** Runs the user's method on a batch; must return one result per item. */
  @FunctionalInterface
  public interface BatchFunction {
    List<?> apply(List<Object> items) throws Throwable;
  }

  /** The most batches of one method that may run at once (each on a platform thread of its own). */
  public static final int MAX_CONCURRENT_BATCHES = 64;

  private final String name;
  /** The replica the queue batches for (made on its thread), for the node's batch metrics. */
  private final dev.vserve.ReplicaContext replica = dev.vserve.impl.replica.CurrentReplica.get();
  /** Changed at run time by Python's {@code set_max_batch_size} / {@code set_batch_wait_timeout_s}. */
  private volatile int maxBatchSize;
  private volatile long waitNanos;
  private final Batch.SizeFunction sizeFn;
  private final boolean countsItems;
  private final BatchFunction function;
  private final Semaphore running;
  private final java.util.concurrent.ExecutorService runners;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Item> waiting = new ArrayDeque<>();
  private boolean closed;
  private final Thread collector;

  private record Item(Object value, CompletableFuture<Object> result, long enqueuedNanos) {}

  public BatchQueue(String name, BatchOptions.Settings spec, BatchFunction function) throws ReflectiveOperationException {
    if (spec.maxBatchSize() < 1) throw new IllegalArgumentException(name + ": maxBatchSize must be >= 1");
    if (spec.batchWaitTimeoutMs() < 0) throw new IllegalArgumentException(name + ": batchWaitTimeoutMs must be >= 0");
    if (spec.maxConcurrentBatches() < 1 || spec.maxConcurrentBatches() > MAX_CONCURRENT_BATCHES) {
      // each concurrent batch may hold a platform thread
      throw new IllegalArgumentException(name + ": maxConcurrentBatches must be 1.." + MAX_CONCURRENT_BATCHES + ", got "
          + spec.maxConcurrentBatches());
    }
    this.name = name;
    this.maxBatchSize = spec.maxBatchSize();
    this.waitNanos = TimeUnit.MILLISECONDS.toNanos(spec.batchWaitTimeoutMs());
    this.countsItems = spec.batchSizeFn() == Batch.SizeFunction.Count.class;
    var ctor = spec.batchSizeFn().getDeclaredConstructor();
    ctor.setAccessible(true);
    this.sizeFn = ctor.newInstance();
    this.function = function;
    this.running = new Semaphore(spec.maxConcurrentBatches());
    this.runners = java.util.concurrent.Executors.newFixedThreadPool(spec.maxConcurrentBatches(),
        Thread.ofPlatform().daemon().name("vserve-batch-run-" + name + "-", 0).factory());
    this.collector = Thread.ofVirtual().name("vserve-batch-" + name).start(this::collect);
  }

  /** New limits for the batches formed from now on (Ray's {@code set_max_batch_size}, {@code set_batch_wait_timeout_s}). */
  public void limits(int maxBatchSize, long batchWaitTimeoutMs) {
    if (maxBatchSize < 1) throw new IllegalArgumentException(name + ": max_batch_size must be >= 1, got " + maxBatchSize);
    if (batchWaitTimeoutMs < 0) throw new IllegalArgumentException(name + ": batch_wait_timeout_s must be >= 0");
    lock.lock();
    try {
      this.maxBatchSize = maxBatchSize;
      this.waitNanos = TimeUnit.MILLISECONDS.toNanos(batchWaitTimeoutMs);
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** An item with its size already measured (Python's {@code batch_size_fn}, run on the item alone). */
  public record Sized(Object value, int size) {}

  /** Sums {@link Sized} items' sizes: a batch's size when its items were measured one by one. */
  public static final class SizedSum implements Batch.SizeFunction {
    @Override
    public int size(List<?> items) {
      int n = 0;
      for (Object o : items) n += ((Sized) o).size();
      return n;
    }
  }

  /** Adds one call; the future completes with its own result once its batch has run. */
  public CompletableFuture<Object> submit(Object value) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    if (!countsItems) {
      // measured alone first: an input the size function cannot measure fails this call only, and
      // never reaches the collector, which measures whole batches
      try {
        sizeFn.size(java.util.Collections.singletonList(value));
      } catch (RuntimeException e) {
        result.completeExceptionally(new BadRequestException("batched method " + name + " cannot take this input: "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        return result;
      }
    }
    lock.lock();
    try {
      if (closed) {
        result.completeExceptionally(new IllegalStateException("batch queue " + name + " is closed"));
        return result;
      }
      waiting.addLast(new Item(value, result, System.nanoTime()));
      changed.signal();
    } finally {
      lock.unlock();
    }
    return result;
  }

  /** Fails waiting calls and stops collecting; running batches finish. */
  public void close() {
    List<Item> failed;
    lock.lock();
    try {
      closed = true;
      failed = new ArrayList<>(waiting);
      waiting.clear();
      changed.signal();
    } finally {
      lock.unlock();
    }
    for (Item i : failed) i.result.completeExceptionally(new IllegalStateException("replica stopping"));
    collector.interrupt();
    runners.shutdown();  // running batches finish; their threads then end
  }

  /** Runs until closed; whatever fails while batches are formed fails the calls concerned, never the collector. */
  private void collect() {
    while (true) {
      List<Item> batch = null;
      try {
        batch = nextBatch();
        if (batch == null) return;
        running.acquire();
      } catch (InterruptedException e) {
        if (batch != null) fail(batch, new IllegalStateException("replica stopping"));
        return;
      } catch (Throwable t) {
        fail(batch != null ? batch : drain(), t);
        continue;
      }
      List<Item> taken = batch;
      try {
        // platform threads: batches are long native calls (model inference), which would pin one of
        // the few carriers of the virtual threads that parse and answer every request
        runners.execute(() -> {
          try {
            run(taken);
          } finally {
            running.release();
          }
        });
      } catch (Throwable t) {
        running.release();
        fail(taken, t);
      }
    }
  }

  private List<Item> drain() {
    lock.lock();
    try {
      List<Item> all = new ArrayList<>(waiting);
      waiting.clear();
      return all;
    } finally {
      lock.unlock();
    }
  }

  private static void fail(List<Item> items, Throwable t) {
    for (Item i : items) i.result.completeExceptionally(t);
  }

  /** Waits until a batch is full or its oldest call has waited long enough, then takes it. */
  private List<Item> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (closed) return null;
        if (waiting.isEmpty()) {
          changed.await();
          continue;
        }
        long waited = System.nanoTime() - waiting.peekFirst().enqueuedNanos;
        if (isFull() || waited >= waitNanos) return take();
        changed.awaitNanos(waitNanos - waited);
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean isFull() {
    if (countsItems) return waiting.size() >= maxBatchSize;
    return sizeFn.size(values(new ArrayList<>(waiting))) >= maxBatchSize;
  }

  /** The longest run of waiting calls whose size stays within maxBatchSize (at least one call). */
  private List<Item> take() {
    List<Item> batch = new ArrayList<>(Math.min(waiting.size(), maxBatchSize));
    batch.add(waiting.pollFirst());
    while (!waiting.isEmpty()) {
      if (countsItems) {
        if (batch.size() >= maxBatchSize) break;
      } else {
        batch.add(waiting.peekFirst());
        boolean fits = sizeFn.size(values(batch)) <= maxBatchSize;
        batch.remove(batch.size() - 1);
        if (!fits) break;
      }
      batch.add(waiting.pollFirst());
    }
    return batch;
  }

  private void run(List<Item> batch) {
    if (replica != null) {
      long oldest = System.nanoTime() - batch.get(0).enqueuedNanos;
      dev.vserve.impl.Telemetry.sink().batch(replica, name, batch.size(), oldest);
    }
    List<?> results;
    try {
      results = function.apply(values(batch));
    } catch (Throwable t) {
      fail(batch, t);
      return;
    }
    if (results == null || results.size() != batch.size()) {
      IllegalStateException wrong = new IllegalStateException("batched method " + name + " returned "
          + (results == null ? "null" : results.size() + " results") + " for " + batch.size()
          + " inputs; it must return exactly one result per input, in order");
      for (Item i : batch) i.result.completeExceptionally(wrong);
      return;
    }
    // an exception in the results fails its own call only (one bad input need not fail its batch)
    for (int k = 0; k < batch.size(); k++) {
      if (results.get(k) instanceof Throwable t) batch.get(k).result.completeExceptionally(t);
      else batch.get(k).result.complete(results.get(k));
    }
  }

  private static List<Object> values(List<Item> items) {
    List<Object> v = new ArrayList<>(items.size());
    for (Item i : items) v.add(i.value);
    return v;
  }
}
