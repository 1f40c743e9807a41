package dev.vserve.impl.stream;

import dev.vserve.ServeException;
import dev.vserve.impl.call.ServeCodec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stream reception between nodes, both ends in one JVM on a real event bus: the replica side
 * ({@link RemoteStreams#serve}) answering credits with batches, the caller side ({@link RemoteStreams.Receiver})
 * refilling a local channel. The wire is the same request-reply chain as across a cluster.
 */
class RemoteStreamsTest {
  private static final long TIMEOUT_MS = 10_000;
  private Vertx vertx;
  private final Set<RemoteStreams.Receiver> active = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().registerCodec(new ServeCodec());
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** A replica at "producer" whose stream is filled by {@code produce} on a thread of its own. */
  private ItemChannel replica(java.util.function.Consumer<ItemChannel> produce) {
    ItemChannel local = new ItemChannel(16);
    vertx.eventBus().<Object>consumer("producer", msg -> {
      Thread.ofVirtual().start(() -> produce.accept(local));
      Thread.ofVirtual().start(() -> RemoteStreams.serve(msg, new StreamReply(local, "text/plain"), TIMEOUT_MS));
    });
    return local;
  }

  private RemoteStreams.Receiver call() {
    Message<Object> start = vertx.eventBus().request("producer", "go", new DeliveryOptions().setCodecName(ServeCodec.NAME)).await();
    RemoteStreams.Start s = RemoteStreams.Start.revive(start.body());
    assertNotNull(s, "the replica's first answer starts a stream");
    assertEquals("text/plain", s.mediaType());
    return RemoteStreams.Receiver.start(start, "node-b", TIMEOUT_MS, active);
  }

  /** Reads the caller's channel to its end. */
  private static List<Object> readAll(ItemChannel ch) throws InterruptedException {
    List<Object> out = new ArrayList<>();
    while (ch.take(out, 100) > 0) {
      // take blocks until items or the end
    }
    return out;
  }

  private static void produce(ItemChannel ch, int n, Throwable end) {
    try {
      for (int i = 0; i < n; i++) ch.put(i);
      ch.finish(end);
    } catch (InterruptedException | ItemChannel.Cancelled e) {
      // the caller went away
    }
  }

  @Test
  void everyItemArrivesInOrderAcrossManyCredits() throws Exception {
    replica(ch -> produce(ch, 1000, null));
    RemoteStreams.Receiver r = call();
    List<Object> got = readAll(r.reply("text/plain").channel());
    assertEquals(1000, got.size());
    for (int i = 0; i < got.size(); i++) assertEquals(i, ((Number) got.get(i)).intValue(), "item " + i);
    assertNull(r.reply(null).channel().error(), "a clean end");
  }

  @Test
  void aProducerErrorEndsTheCallersStreamWithItsTypeAndMessage() throws Exception {
    replica(ch -> produce(ch, 5, new IllegalStateException("model fell over")));
    ItemChannel in = call().reply(null).channel();
    assertEquals(5, readAll(in).size(), "the items before the error still arrive");
    ServeException e = assertInstanceOf(ServeException.class, in.error());
    assertEquals("IllegalStateException", e.errorType());
    assertTrue(e.getMessage().contains("model fell over"), e.getMessage());
  }

  @Test
  void aCallerThatGoesAwayStopsTheProducer() throws Exception {
    AtomicReference<Throwable> producerEnd = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    replica(ch -> {
      try {
        for (int i = 0; ; i++) ch.put(i);  // endless, as a token stream whose client may leave
      } catch (Throwable t) {
        producerEnd.set(t);
        stopped.countDown();
      }
    });
    ItemChannel in = call().reply(null).channel();
    List<Object> some = new ArrayList<>();
    in.take(some, 10);
    in.cancel();
    assertTrue(stopped.await(TIMEOUT_MS * 2, TimeUnit.MILLISECONDS), "the producer on the other side stopped");
    assertInstanceOf(ItemChannel.Cancelled.class, producerEnd.get());
  }

  @Test
  void theProducersNodeLeavingEndsTheStreamAtOnceWith503() throws Exception {
    replica(ch -> {
      try {
        ch.put("first");
        Thread.sleep(TIMEOUT_MS * 10);  // a producer that stalls, as one on a dead node would
      } catch (InterruptedException | ItemChannel.Cancelled e) {
        // stopped
      }
    });
    RemoteStreams.Receiver r = call();
    ItemChannel in = r.reply(null).channel();
    List<Object> first = new ArrayList<>();
    in.take(first, 1);
    assertEquals(List.of("first"), first);
    long t0 = System.nanoTime();
    r.nodeLost();
    readAll(in);
    ServeException e = assertInstanceOf(ServeException.class, in.error());
    assertEquals(503, e.status());
    assertEquals("NodeLost", e.errorType());
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS), "ended before the exchange timeout");
  }
}
