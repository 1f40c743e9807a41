package dev.vserve;

import dev.vserve.impl.NodeContext;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** maxOngoingRequests holds calls at the caller; past maxQueuedRequests callers get 503 / back pressure. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdmissionTest {
  static final AtomicInteger entered = new AtomicInteger();
  static final AtomicInteger maxConcurrent = new AtomicInteger();
  static final AtomicInteger running = new AtomicInteger();
  static volatile CountDownLatch gate = new CountDownLatch(1);

  @Deployment(maxOngoingRequests = 1, maxQueuedRequests = 1)
  public static class Gate {
    public String call(Request r) throws InterruptedException {
      entered.incrementAndGet();
      maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        gate.await();
        return "passed";
      } finally {
        running.decrementAndGet();
      }
    }
  }

  ServeNode node;
  Http http;

  @BeforeEach
  void start() {
    entered.set(0);
    maxConcurrent.set(0);
    gate = new CountDownLatch(1);
    node = Nodes.start();
    http = new Http(node.httpPort());
    Nodes.deploy(node, Application.bind(Gate.class), "gate", "/gate");
  }

  @AfterEach
  void stop() {
    gate.countDown();
    Nodes.close(node);
  }

  /** The replica's one slot taken by a request that waits at the gate, and a second waiting at the caller. */
  private List<CompletableFuture<HttpResponse<String>>> oneRunningOneQueued() {
    CompletableFuture<HttpResponse<String>> running = http.getAsync("/gate");
    Poll.until("first request to reach the replica", Duration.ofSeconds(10), () -> entered.get() == 1);
    CompletableFuture<HttpResponse<String>> queued = http.getAsync("/gate");
    Poll.until("second request to wait at the caller", Duration.ofSeconds(10),
        () -> NodeContext.of(node.vertx()).router("gate", "Gate").queued() == 1);
    return List.of(running, queued);
  }

  @Test
  void queuesAtTheCallerThenAnswers503WithJson() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> both = oneRunningOneQueued();
    CompletableFuture<HttpResponse<String>> first = both.get(0);
    CompletableFuture<HttpResponse<String>> second = both.get(1);

    HttpResponse<String> third = http.get("/gate");
    assertEquals(503, third.statusCode(), third.body());
    assertEquals("BackPressureError", Http.json(third).get("error").asText());
    assertTrue(Http.json(third).get("message").asText().contains("maxQueuedRequests=1"), third.body());
    assertEquals(third.headers().firstValue("x-request-id").orElseThrow(), Http.json(third).get("request_id").asText());

    // handles see the same limit, as a failed future with a typed error
    DeploymentHandle handle = node.handle("gate", "Gate");
    Exception e = assertThrows(BackPressureException.class, () -> handle.remote(sampleRequest()).await());
    assertTrue(e.getMessage().contains("maxOngoingRequests=1"), e.getMessage());

    assertEquals(1, entered.get(), "the queued request must not reach the replica while it is full");
    gate.countDown();
    assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
    HttpResponse<String> queued = second.get(10, TimeUnit.SECONDS);
    assertEquals(200, queued.statusCode());
    assertEquals("passed", queued.body());
    assertEquals(1, maxConcurrent.get(), "the replica ran more than maxOngoingRequests at once");

    // nothing was lost: the deployment keeps serving
    assertEquals(200, http.get("/gate").statusCode());
  }

  @Test
  void deletingTheApplicationFailsQueuedCallsAtOnceAndFinishesRunningOnes() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> both = oneRunningOneQueued();
    CompletableFuture<HttpResponse<String>> running = both.get(0);
    CompletableFuture<HttpResponse<String>> queued = both.get(1);

    var deleted = node.delete("gate");  // drains the running request, which waits on the gate
    HttpResponse<String> q = queued.get(10, TimeUnit.SECONDS);
    assertEquals(503, q.statusCode(), q.body());
    assertTrue(Http.json(q).get("message").asText().contains("deleted"), q.body());
    gate.countDown();
    assertEquals(200, running.get(10, TimeUnit.SECONDS).statusCode(), "a running request was cut off by the delete");
    DeploymentResponse.of(deleted).await();
    assertEquals(404, http.get("/gate").statusCode());
  }

  @Test
  void rejectsInvalidConfigurationBeforeDeploying() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Serve.deployment(Gate.class).options(c -> c.setMaxOngoingRequests(0)).bind());
    assertTrue(e.getMessage().contains("maxOngoingRequests"), e.getMessage());
  }

  private static Request sampleRequest() {
    return new Request("t", "GET", "/gate", "/", null, null, null);
  }

  @Test
  void handleCallsFailAsFuturesNotExceptions() {
    gate.countDown();
    DeploymentResponse<Object> r = node.handle("gate", "Gate").method("missing").remote();
    Throwable cause = assertThrows(ServeException.class, r::await);
    assertInstanceOf(HttpException.class, cause);
    assertEquals(404, ((ServeException) cause).status());
  }
}
