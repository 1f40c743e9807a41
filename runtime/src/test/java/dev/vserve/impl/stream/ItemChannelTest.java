package dev.vserve.impl.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded hand-over between a stream's producer thread and its consumer, alone. */
class ItemChannelTest {
  private static Thread producer(ItemChannel ch, int n, AtomicInteger put, AtomicReference<Throwable> failed) {
    return Thread.ofVirtual().start(() -> {
      try {
        for (int i = 0; i < n; i++) {
          ch.put(i);
          put.incrementAndGet();
        }
        ch.finish(null);
      } catch (Throwable t) {
        failed.set(t);
      }
    });
  }

  private static void waitFor(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(1);
    }
  }

  @Test
  void aProducerWaitsWhileTheChannelIsFullAndGoesOnWhenItemsAreTaken() throws Exception {
    ItemChannel ch = new ItemChannel(4);
    AtomicInteger put = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = producer(ch, 10, put, failed);
    waitFor("the channel to fill", () -> put.get() == 4);
    waitFor("the producer to wait for room", () -> t.getState() == Thread.State.WAITING);
    assertEquals(4, put.get(), "no fifth item while nobody takes");
    List<Object> out = new ArrayList<>();
    while (!ch.isDone()) {
      if (ch.drainTo(out, 3, () -> { }) == 0) Thread.onSpinWait();
    }
    t.join(20_000);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), out, "every item, in order");
    assertNull(failed.get());
    assertNull(ch.error());
  }

  @Test
  void anEmptyChannelWakesItsConsumerOnceSomethingArrives() throws Exception {
    ItemChannel ch = new ItemChannel(4);
    CountDownLatch woken = new CountDownLatch(1);
    assertNull(ch.poll(woken::countDown));
    ch.put("x");
    assertTrue(woken.await(20, TimeUnit.SECONDS));
    assertEquals("x", ch.poll(() -> { }));
  }

  @Test
  void aConsumerThatGoesAwayStopsTheProducer() throws Exception {
    ItemChannel ch = new ItemChannel(2);
    AtomicInteger put = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = producer(ch, 1_000, put, failed);
    waitFor("the channel to fill", () -> put.get() == 2);
    ch.cancel();
    t.join(20_000);
    assertInstanceOf(ItemChannel.Cancelled.class, failed.get(), "the producer's put throws once the consumer left");
    assertTrue(put.get() < 1_000);
  }

  @Test
  void aFailureReachesTheConsumerAfterTheItemsBeforeIt() throws Exception {
    ItemChannel ch = new ItemChannel(4);
    ch.put("a");
    IllegalStateException boom = new IllegalStateException("boom");
    ch.finish(boom);
    List<Object> out = new ArrayList<>();
    assertEquals(1, ch.take(out, 10));
    assertEquals(List.of("a"), out);
    assertEquals(0, ch.take(out, 10), "then the end");
    assertTrue(ch.isDone());
    assertSame(boom, ch.error());
  }
}
