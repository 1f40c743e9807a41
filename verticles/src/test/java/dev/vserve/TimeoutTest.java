package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A handler that never answers costs its caller the request timeout, not forever, and the replica
 * interrupts it so its slot serves again.
 */
class TimeoutTest {
  static final CountDownLatch never = new CountDownLatch(1);
  static final java.util.concurrent.atomic.AtomicInteger interrupted = new java.util.concurrent.atomic.AtomicInteger();

  @Deployment(maxOngoingRequests = 2)
  public static class Stuck {
    @Get("/stuck")
    public String stuck() throws InterruptedException {
      try {
        never.await();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return "unreachable";
    }

    @Get("/fine")
    public String fine() {
      return "fine";
    }
  }

  /** Busy for a while and deaf to interrupts, so calls behind it wait at the caller. */
  @Deployment(maxOngoingRequests = 1)
  public static class Busy {
    public String work() {
      long end = System.nanoTime() + 1_500_000_000L;
      while (System.nanoTime() < end) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ignored) {
          // keeps its slot, as code that ignores interrupts does
        }
      }
      return "done";
    }
  }

  static ServeNode node;

  @BeforeAll
  static void start() {
    node = Nodes.start(new ServeOptions().setRequestTimeoutMs(300).setGracefulShutdownTimeoutMs(100));
    Nodes.deploy(node, Serve.deployment(Stuck.class).options(c -> c.setGracefulShutdownTimeoutS(0.1)).bind(), "stuck", "/");
    Nodes.deploy(node, Serve.deployment(Busy.class).options(c -> c.setGracefulShutdownTimeoutS(0.1)).bind(), "busy", "/busy");
  }

  @AfterAll
  static void stop() {
    never.countDown();
    Nodes.close(node);
  }

  @Test
  void aCallWaitingForAFullReplicaTimesOutAtItsDeadline() {
    DeploymentHandle busy = node.handle("busy", "Busy");
    DeploymentResponse<Object> first = busy.method("work").remote();
    Poll.until("the first call to hold the only slot", java.time.Duration.ofSeconds(5),
        () -> dev.vserve.impl.NodeContext.of(node.vertx()).router("busy", "Busy").queued() == 0 && !first.isComplete());
    long t0 = System.nanoTime();
    ServeException e = assertThrows(ServeException.class, () -> busy.method("work").remote().await());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(504, e.status());
    assertTrue(e.getMessage().contains("could take the request in time"), e.getMessage());
    assertTrue(ms >= 250 && ms < 5_000, "timed out after " + ms + " ms, deadline 300 ms");
  }

  @Test
  void httpGets504AndHandlesATimeoutFailure() {
    long t0 = System.nanoTime();
    HttpResponse<String> r = new Http(node.httpPort()).get("/stuck");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(504, r.statusCode(), r.body());
    assertEquals("Timeout", Http.json(r).get("error").asText());
    assertTrue(ms < 5_000, "took " + ms + " ms");
    ServeException e = assertThrows(ServeException.class,
        () -> node.handle("stuck", "Stuck").method("stuck").remote().await());
    assertEquals(504, e.status());
    // the abandoned calls were interrupted, so their slots serve again
    assertEquals("\"fine\"", new Http(node.httpPort()).get("/fine").body());
    Poll.until("both stuck calls to be interrupted", java.time.Duration.ofSeconds(5), () -> interrupted.get() == 2);
  }
}
