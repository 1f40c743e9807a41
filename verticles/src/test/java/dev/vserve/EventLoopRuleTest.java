package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x's convention, as the deployment methods see it: one that returns a Future or a
 * CompletionStage runs on an event loop; one that returns a plain value runs on a virtual thread; the
 * annotations override both ways. Each method answers where it ran.
 */
class EventLoopRuleTest {
  @Deployment
  public static class Where {
    private static String here() {
      Thread t = Thread.currentThread();
      return (Context.isOnEventLoopThread() ? "event-loop" : t.isVirtual() ? "virtual" : "other") + ":" + t.getName();
    }

    @Get("/future")
    public Future<String> future() {
      return Future.succeededFuture(here());
    }

    @Get("/stage")
    public CompletionStage<String> stage() {
      return CompletableFuture.completedFuture(here());
    }

    @Get("/plain")
    public String plain() {
      return here();
    }

    @Get("/marked")
    @NonBlocking
    public String marked() {
      return here();
    }

    @Get("/blocking-future")
    @Blocking
    public Future<String> blockingFuture() {
      return Future.succeededFuture(here());
    }

    @Get("/hog")
    @NonBlocking
    public String hog() throws InterruptedException {
      Thread.sleep(80);  // the mistake the check is for
      return here();
    }

    public record Key(String key) {}

    /** Notes where each call joined its batch: a batch size function measures each call alone as it joins. */
    public static final class Joined implements Batch.SizeFunction {
      static final java.util.Map<String, String> where = new java.util.concurrent.ConcurrentHashMap<>();

      @Override
      public int size(java.util.List<?> items) {
        if (items.size() == 1) where.putIfAbsent(((Key) items.get(0)).key(), here());
        return items.size();
      }
    }

    @Post("/batched")
    @Batch(maxBatchSize = 4, batchWaitTimeoutMs = 1, batchSizeFn = Joined.class)
    public java.util.List<String> batched(java.util.List<Key> keys) {
      return keys.stream().map(k -> Joined.where.get(k.key()) + " ran:" + here()).toList();
    }

    @Post("/batched-blocking")
    @Blocking
    @Batch(maxBatchSize = 4, batchWaitTimeoutMs = 1, batchSizeFn = Joined.class)
    public java.util.List<String> batchedBlocking(java.util.List<Key> keys) {
      return batched(keys);
    }

    /** A non-blocking method may answer with a stream; its items may block, so they are not made on the event loop. */
    @Get("/future-stream")
    public Future<java.util.Iterator<String>> futureStream() {
      return Future.succeededFuture(java.util.stream.Stream.of("a", "b").map(s -> s + "@" + here() + ";").iterator());
    }

    /** Batched items declared as plain objects that turn out to be streams: the same. */
    @Post("/batched-stream")
    @Batch(maxBatchSize = 4, batchWaitTimeoutMs = 1)
    public java.util.List<Object> batchedStream(java.util.List<Key> keys) {
      return keys.stream().map(k -> (Object) java.util.stream.Stream.of(k.key(), "!").map(s -> s + "@" + here() + ";").iterator()).toList();
    }

    public Future<String> viaHandle() {
      return Future.succeededFuture(here());
    }

    public String plainViaHandle() {
      return here();
    }
  }

  static ServeNode node;
  static Http http;
  static DeploymentHandle handle;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    handle = Nodes.deploy(node, Application.bind(Where.class), "where", "/where");
    http = new Http(node.httpPort());
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  private static String where(String path) {
    var r = http.get("/where" + path);
    assertEquals(200, r.statusCode(), r.body());
    return r.body().replace("\"", "");
  }

  @Test
  void aMethodReturningAFutureOrAStageRunsOnTheProxysEventLoop() {
    assertTrue(where("/future").startsWith("event-loop:vert.x-eventloop-thread"), where("/future"));
    assertTrue(where("/stage").startsWith("event-loop:"), where("/stage"));
  }

  @Test
  void aMethodReturningAPlainValueRunsOnAVirtualThread() {
    assertTrue(where("/plain").startsWith("virtual:vserve-"), where("/plain"));
  }

  @Test
  void theAnnotationsOverrideTheInferenceBothWays() {
    assertTrue(where("/marked").startsWith("event-loop:"), where("/marked"));
    assertTrue(where("/blocking-future").startsWith("virtual:"), where("/blocking-future"));
  }

  /** A non-blocking method that blocks anyway is reported at once, naming its deployment and method. */
  @Test
  void holdingTheEventLoopIsReportedByName() {
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.vserve.replica.BlockedCheck");
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override public void publish(java.util.logging.LogRecord r) { warnings.add(r.getMessage()); }
      @Override public void flush() {}
      @Override public void close() {}
    };
    log.addHandler(capture);
    try {
      assertTrue(where("/hog").startsWith("event-loop:"));
      assertTrue(warnings.stream().anyMatch(w -> w.contains("deployment 'Where'") && w.contains("GET /where/hog")
          && w.contains("held an event loop")), "warnings: " + warnings);
    } finally {
      log.removeHandler(capture);
    }
  }

  /** A batched call only joins its batch, so it does so from the event loop (Ray's batched methods are async). */
  @Test
  void aBatchedCallJoinsItsBatchOnTheEventLoopUnlessMarkedBlocking() {
    var r = http.post("/where/batched", "{\"key\": \"a\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("\"event-loop:vert.x-eventloop-thread") && r.body().contains(" ran:other:vserve-batch-run"), r.body());
    r = http.post("/where/batched-blocking", "{\"key\": \"b\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("\"virtual:") && r.body().contains(" ran:other:vserve-batch-run"), r.body());
  }

  @Test
  void aStreamThatANonBlockingMethodAnswersWithIsMadeOnAVirtualThread() {
    var r = http.get("/where/future-stream");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().matches("a@virtual:[^;]*;b@virtual:[^;]*;"), r.body());
    r = http.post("/where/batched-stream", "{\"key\": \"k\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().matches("k@virtual:[^;]*;!@virtual:[^;]*;"), r.body());
    java.util.List<String> items = new java.util.ArrayList<>();
    for (Object item : handle.method("futureStream").stream().await()) items.add(String.valueOf(item));
    assertEquals(2, items.size(), items.toString());
    assertTrue(items.get(0).startsWith("a@virtual:") && items.get(1).startsWith("b@virtual:"), items.toString());
  }

  @Test
  void throughAHandleTheSameRuleHolds() {
    String nb = handle.method("viaHandle").remote().as(String.class).await();
    assertTrue(!nb.startsWith("virtual:"), "a non-blocking method does not take a virtual thread: " + nb);
    assertTrue(handle.method("plainViaHandle").remote().as(String.class).await().startsWith("virtual:"));
  }
}
