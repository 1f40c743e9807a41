package dev.vserve;

import dev.vserve.impl.replica.CurrentModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica's multiplexed models: least recently used evicted and closed, one load per model at a time. */
class MultiplexedModelsTest {
  record Fake(String id, List<String> closed) implements AutoCloseable {
    @Override
    public void close() {
      closed.add(id);
    }
  }

  @Test
  void theLeastRecentlyUsedModelIsEvictedAndClosed() throws Exception {
    List<String> closed = new ArrayList<>();
    MultiplexedModels<Fake> models = MultiplexedModels.of(2, id -> new Fake(id, closed));
    Fake a = models.get("a");
    models.get("b");
    assertSame(a, models.get("a"), "held: not loaded again");
    models.get("c");
    assertEquals(List.of("b"), closed, "b was the least recently used");
    assertEquals(Set.of("a", "c"), models.loaded());
    models.close();
    assertEquals(Set.of("a", "b", "c"), Set.copyOf(closed));
  }

  @Test
  void aModelEvictedWhileACallUsesItIsClosedWhenThatCallEnds() throws Exception {
    List<String> closed = new ArrayList<>();
    MultiplexedModels<Fake> models = MultiplexedModels.of(1, id -> new Fake(id, closed));
    CurrentModel.enter("a");
    try {
      models.get("a");
      models.get("b");   // evicts a, which this call still uses
      assertEquals(List.of(), closed);
    } finally {
      CurrentModel.exit();
    }
    assertEquals(List.of("a"), closed, "closed as the call ended");
  }

  @Test
  void concurrentCallsForOneModelLoadItOnce() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    MultiplexedModels<String> models = MultiplexedModels.of(3, id -> {
      loads.incrementAndGet();
      release.await();
      return "model " + id;
    });
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) calls.add(pool.submit(() -> models.get("x")));
      Thread.sleep(50);  // let them all ask while the first load waits
      release.countDown();
      for (Future<String> f : calls) assertEquals("model x", f.get());
    }
    assertEquals(1, loads.get());
  }

  @Test
  void aFailedLoadIsNotKeptAndTheCurrentCallsModelIsTheDefault() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    MultiplexedModels<String> models = MultiplexedModels.of(1, id -> {
      if (tries.incrementAndGet() == 1) throw new java.io.IOException("no weights for " + id);
      return id;
    });
    assertThrows(java.io.IOException.class, () -> models.get("m"));
    assertEquals("m", models.get("m"), "tried again");
    assertTrue(assertThrows(BadRequestException.class, models::get).getMessage().contains("serve_multiplexed_model_id"));
    CurrentModel.enter("m");
    try {
      assertEquals("m", MultiplexedModels.currentModelId());
      assertEquals("m", models.get());
    } finally {
      CurrentModel.exit();
    }
  }
}
