package dev.vserve.impl.batch;

import dev.vserve.BadRequestException;
import dev.vserve.Batch;
import dev.vserve.BatchOptions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * The calls waiting for one batched method of one replica. Platform threads, at most
 * {@code maxConcurrentBatches}, each take full or timed-out batches and run them; each result goes
 * back to its caller on the batch's thread or through the executor the caller named (its event loop).
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
  /** The replica the queue batches for: its runners work for it, and the node's batch metrics name it. */
  private final dev.vserve.ReplicaContext replica;
  /** Changed at run time by Python's {@code set_max_batch_size} / {@code set_batch_wait_timeout_s}. */
  private volatile int maxBatchSize;
  private volatile long waitNanos;
  private final Batch.SizeFunction sizeFn;
  private final boolean countsItems;
  /** The sum of the waiting calls' sizes (guarded by the lock). */
  private long waitingSize;
  private final BatchFunction function;
  private final int maxConcurrentBatches;
  private final java.util.concurrent.ThreadFactory runnerThreads;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Item> waiting = new ArrayDeque<>();
  private boolean closed;
  /** Runner threads started, and those of them waiting for a batch (both guarded by the lock). */
  private int runners;
  private int idle;

  /**
   * {@code size}: the call measured alone when it arrived; {@code answerOn}: where the caller wants
   * its answer completed (its event loop), or null for the batch's thread.
   */
  private record Item(Object value, int size, CompletableFuture<Object> result, long enqueuedNanos, Executor answerOn) {}

  /** A queue for the replica the current thread works for. */
  public BatchQueue(String name, BatchOptions.Settings spec, BatchFunction function) throws ReflectiveOperationException {
    this(name, dev.vserve.impl.replica.CurrentReplica.get(), spec, function);
  }

  /** {@code replica}: the replica the batches run for (null outside any), whichever thread makes the queue. */
  public BatchQueue(String name, dev.vserve.ReplicaContext replica, BatchOptions.Settings spec, BatchFunction function)
      throws ReflectiveOperationException {
    if (spec.maxBatchSize() < 1) throw new IllegalArgumentException(name + ": maxBatchSize must be >= 1");
    if (spec.batchWaitTimeoutMs() < 0) throw new IllegalArgumentException(name + ": batchWaitTimeoutMs must be >= 0");
    if (spec.maxConcurrentBatches() < 1 || spec.maxConcurrentBatches() > MAX_CONCURRENT_BATCHES) {
      // each concurrent batch may hold a platform thread
      throw new IllegalArgumentException(name + ": maxConcurrentBatches must be 1.." + MAX_CONCURRENT_BATCHES + ", got "
          + spec.maxConcurrentBatches());
    }
    this.name = name;
    this.replica = replica;
    this.maxBatchSize = spec.maxBatchSize();
    this.waitNanos = TimeUnit.MILLISECONDS.toNanos(spec.batchWaitTimeoutMs());
    this.countsItems = spec.batchSizeFn() == Batch.SizeFunction.Count.class;
    var ctor = spec.batchSizeFn().getDeclaredConstructor();
    ctor.setAccessible(true);
    this.sizeFn = ctor.newInstance();
    this.function = function;
    this.maxConcurrentBatches = spec.maxConcurrentBatches();
    // platform threads: batches are long native calls (model inference), which would pin one of the
    // few carriers of the virtual threads that parse and answer every request
    this.runnerThreads = Thread.ofPlatform().daemon().name("vserve-batch-run-" + name + "-", 0).factory();
    lock.lock();
    try {
      startRunner();
    } finally {
      lock.unlock();
    }
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

  /** Adds one call; the future completes with its own result once its batch has run, on the batch's thread. */
  public CompletableFuture<Object> submit(Object value) {
    return submit(value, null);
  }

  /**
   * Adds one call whose result is completed through {@code answerOn} (null: on the batch's thread).
   * The calls of a batch that share one executor are completed in one task: an event loop is woken
   * once per batch, not once per call, and the batch's thread goes on to the next batch.
   */
  public CompletableFuture<Object> submit(Object value, Executor answerOn) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    int size = 1;
    if (!countsItems) {
      // measured once, alone: an input the size function cannot measure fails this call only, and
      // forming a batch adds up sizes instead of measuring every candidate batch again
      try {
        size = sizeFn.size(java.util.Collections.singletonList(value));
        if (size < 0) throw new IllegalArgumentException(sizeFn.getClass().getSimpleName() + " measured it as " + size);
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
      boolean first = waiting.isEmpty();
      long before = waitingSize;
      waiting.addLast(new Item(value, size, result, System.nanoTime(), answerOn));
      waitingSize += size;
      // a waiting runner needs to know only when its clock starts or its batch is full: waking it for
      // every call (up to maxBatchSize times per batch) took CPU from the event loops filling it
      if (first || (before < maxBatchSize && waitingSize >= maxBatchSize)) changed.signal();
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
      waitingSize = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    // waiting runners end; running batches finish (their threads end after them)
    fail(failed, new IllegalStateException("replica stopping"));
  }

  /**
   * One runner's life: take the next batch, run it, take the next. The thread that finishes a batch
   * takes the next one itself, so a busy model goes from batch to batch without a hand-over (and the
   * batch it takes has grown while it ran). Whatever fails while batches are formed fails the calls
   * concerned, never the runner.
   */
  private void runBatches() {
    dev.vserve.impl.replica.CurrentReplica.set(replica);
    while (true) {
      List<Item> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        continue;  // only close() ends a runner (a batch's own code may have left its thread interrupted)
      } catch (Throwable t) {
        fail(drain(), t);
        continue;
      }
      if (batch == null) return;
      run(batch);
    }
  }

  private List<Item> drain() {
    lock.lock();
    try {
      List<Item> all = new ArrayList<>(waiting);
      waiting.clear();
      waitingSize = 0;
      return all;
    } finally {
      lock.unlock();
    }
  }

  private static void fail(List<Item> items, Throwable t) {
    answer(items, k -> t);
  }

  /**
   * Waits until a batch is full or its oldest call has waited long enough, then takes it; null once
   * closed. The runner that takes a batch starts another (up to {@code maxConcurrentBatches}) when
   * none is left waiting, so the next batch can form and run while this one does.
   */
  private List<Item> nextBatch() throws InterruptedException {
    lock.lock();
    idle++;
    try {
      while (true) {
        if (closed) return null;
        if (waiting.isEmpty()) {
          changed.await();
          continue;
        }
        long waited = System.nanoTime() - waiting.peekFirst().enqueuedNanos;
        if (waitingSize >= maxBatchSize || waited >= waitNanos) {
          List<Item> batch = take();
          if (idle == 1 && runners < maxConcurrentBatches) startRunner();
          // what is left may be (nearly) another batch, for another waiting runner
          if (!waiting.isEmpty()) changed.signal();
          return batch;
        }
        changed.awaitNanos(waitNanos - waited);
      }
    } finally {
      idle--;
      lock.unlock();
    }
  }

  /** Called with the lock held. */
  private void startRunner() {
    runners++;
    runnerThreads.newThread(this::runBatches).start();
  }

  /** The longest run of waiting calls whose sizes add up to at most maxBatchSize (at least one call). */
  private List<Item> take() {
    List<Item> batch = new ArrayList<>(Math.min(waiting.size(), maxBatchSize));
    long size = 0;
    do {
      Item next = waiting.pollFirst();
      batch.add(next);
      size += next.size;
    } while (!waiting.isEmpty() && size + waiting.peekFirst().size <= maxBatchSize);
    waitingSize -= size;
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
      answer(batch, k -> wrong);
      return;
    }
    // an exception in the results fails its own call only (one bad input need not fail its batch)
    answer(batch, results::get);
  }

  /** Completes each call with {@code outcome(k)} (a Throwable fails it), grouped by where the callers want it. */
  private static void answer(List<Item> batch, IntFunction<Object> outcome) {
    Map<Executor, List<Runnable>> elsewhere = null;
    for (int k = 0; k < batch.size(); k++) {
      Item item = batch.get(k);
      Object o = outcome.apply(k);
      if (item.answerOn == null) {
        complete(item, o);
      } else {
        if (elsewhere == null) elsewhere = new IdentityHashMap<>();
        elsewhere.computeIfAbsent(item.answerOn, e -> new ArrayList<>()).add(() -> complete(item, o));
      }
    }
    if (elsewhere != null) elsewhere.forEach((executor, completions) -> executor.execute(() -> completions.forEach(Runnable::run)));
  }

  private static void complete(Item item, Object outcome) {
    if (outcome instanceof Throwable t) item.result.completeExceptionally(t);
    else item.result.complete(outcome);
  }

  private static List<Object> values(List<Item> items) {
    List<Object> v = new ArrayList<>(items.size());
    for (Item i : items) v.add(i.value);
    return v;
  }
}
