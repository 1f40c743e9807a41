package dev.vserve.impl.batch;

import dev.vserve.BadRequestException;
import dev.vserve.Batch;
import dev.vserve.BatchOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchQueueTest {
  private BatchQueue queue;

  /** Measures strings by length; anything else (null) throws, as a user's size function may. */
  public static final class Length implements Batch.SizeFunction {
    @Override
    public int size(List<?> items) {
      int n = 0;
      for (Object o : items) n += ((String) o).length();
      return n;
    }
  }

  /** Length, and records every list it was asked to measure. */
  public static final class RecordedLength implements Batch.SizeFunction {
    static final List<Integer> MEASURED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public int size(List<?> items) {
      MEASURED.add(items.size());
      return new Length().size(items);
    }
  }

  /** Measures "-" as a negative size, as a broken user function might. */
  public static final class NegativeForDash implements Batch.SizeFunction {
    @Override
    public int size(List<?> items) {
      return items.get(0).equals("-") ? -1 : 1;
    }
  }

  @AfterEach
  void close() {
    if (queue != null) queue.close();
  }

  private BatchQueue queue(Class<? extends Batch.SizeFunction> sizeFn) throws ReflectiveOperationException {
    return new BatchQueue("test.echo", new BatchOptions.Settings(10, 5, 1, sizeFn), items -> new ArrayList<>(items));
  }

  private static Object get(CompletableFuture<Object> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void anInputTheSizeFunctionCannotMeasureFailsThatCallAsABadRequestAndTheQueueKeepsServing() throws Exception {
    queue = queue(Length.class);
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(queue.submit(null)));
    assertInstanceOf(BadRequestException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("test.echo"), e.getCause().getMessage());
    assertEquals("abc", get(queue.submit("abc")));
  }

  @Test
  void eachCallIsMeasuredOnceAloneAndABatchTakesCallsWhileTheirSizesAddUpToTheMaximum() throws Exception {
    RecordedLength.MEASURED.clear();
    java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);
    List<List<Object>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    queue = new BatchQueue("test.sizes", new BatchOptions.Settings(10, 0, 1, RecordedLength.class), items -> {
      batches.add(items);
      if (batches.size() == 1) {
        holding.countDown();
        release.acquire();
      }
      return items;
    });
    List<CompletableFuture<Object>> calls = new ArrayList<>(List.of(queue.submit("first")));
    assertTrue(holding.await(30, TimeUnit.SECONDS));
    // these wait while the runner is held, then form batches by their summed lengths (max 10)
    for (String s : List.of("aaaa", "bbbb", "cc", "ddd", "eeeeeeeeeeee", "f")) calls.add(queue.submit(s));
    release.release();
    for (CompletableFuture<Object> c : calls) get(c);
    assertEquals(List.of(List.of("first"), List.of("aaaa", "bbbb", "cc"), List.of("ddd"), List.of("eeeeeeeeeeee"), List.of("f")),
        batches, "a call longer than the maximum runs alone");
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 1), RecordedLength.MEASURED, "each call measured once, alone");
  }

  @Test
  void aNegativeSizeFailsThatCallAsABadRequest() throws Exception {
    queue = queue(NegativeForDash.class);
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(queue.submit("-")));
    assertInstanceOf(BadRequestException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("-1"), e.getCause().getMessage());
    assertEquals("fine", get(queue.submit("fine")));
  }

  /** Runners are woken only when a batch's clock starts or it fills: no call may be left behind by that. */
  @Test
  void callsFromManyThreadsAllGetTheirAnswerWithSeveralRunners() throws Exception {
    List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    queue = new BatchQueue("test.many", new BatchOptions.Settings(8, 2, 2, Batch.SizeFunction.Count.class), items -> {
      sizes.add(items.size());
      return items;
    });
    List<CompletableFuture<Object>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int sender = t;
      senders.add(Thread.ofPlatform().start(() -> {
        java.util.Random pace = new java.util.Random(sender);
        for (int i = 0; i < 500; i++) {
          calls.add(queue.submit(sender * 1000 + i));
          if (pace.nextInt(50) == 0) java.util.concurrent.locks.LockSupport.parkNanos(3_000_000);  // let a batch time out now and then
        }
      }));
    }
    for (Thread t : senders) t.join();
    for (CompletableFuture<Object> c : calls) get(c);
    assertEquals(2000, sizes.stream().mapToInt(Integer::intValue).sum());
    assertTrue(sizes.stream().allMatch(n -> n >= 1 && n <= 8), sizes.toString());
  }

  @Test
  void aBatchThatThrowsFailsItsCallsOnly() throws Exception {
    boolean[] broken = {true};
    queue = new BatchQueue("test.flaky", new BatchOptions.Settings(10, 5, 1, Batch.SizeFunction.Count.class), items -> {
      if (broken[0]) {
        broken[0] = false;
        throw new IllegalArgumentException("bad batch");
      }
      return items;
    });
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(queue.submit("a")));
    assertEquals("bad batch", e.getCause().getMessage());
    assertEquals("b", get(queue.submit("b")));
  }

  /** Batches of one that each hold their runner until released; counts how many ran at once. */
  private static final class Gate {
    final java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);
    final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    final List<List<Object>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();

    List<?> hold(List<Object> items) throws InterruptedException {
      batches.add(items);
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        release.acquire();
        return items;
      } finally {
        running.decrementAndGet();
      }
    }

    void awaitRunning(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (running.get() < n) {
        assertTrue(System.nanoTime() < deadline, "expected " + n + " batches running, saw " + running.get());
        Thread.sleep(2);
      }
    }
  }

  @Test
  void batchesRunAtMostMaxConcurrentBatchesAtOnceAndTheNextTakesWhatArrivedMeanwhile() throws Exception {
    Gate gate = new Gate();
    queue = new BatchQueue("test.gate", new BatchOptions.Settings(4, 0, 2, Batch.SizeFunction.Count.class), gate::hold);
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    calls.add(queue.submit("a"));
    gate.awaitRunning(1);
    calls.add(queue.submit("b"));
    gate.awaitRunning(2);
    // both runners busy: these wait, and form one batch when a runner frees
    for (String s : List.of("c", "d", "e")) calls.add(queue.submit(s));
    gate.release.release(1);
    gate.awaitRunning(2);
    gate.release.release(10);
    for (int i = 0; i < calls.size(); i++) assertEquals(List.of("a", "b", "c", "d", "e").get(i), get(calls.get(i)));
    assertEquals(2, gate.most.get(), "at most maxConcurrentBatches = 2 batches at once");
    assertEquals(List.of(List.of("a"), List.of("b"), List.of("c", "d", "e")), gate.batches);
  }

  @Test
  void aBatchThatLeavesItsThreadInterruptedDoesNotStopTheQueue() throws Exception {
    queue = new BatchQueue("test.interrupts", new BatchOptions.Settings(10, 0, 1, Batch.SizeFunction.Count.class), items -> {
      Thread.currentThread().interrupt();
      return items;
    });
    for (String s : List.of("a", "b", "c")) assertEquals(s, get(queue.submit(s)));
  }
}
