package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The static {@link Serve} API as a main() uses it: run, handles, delete, shutdown with draining. */
class ServeApiTest {
  static final AtomicInteger started = new AtomicInteger();

  @Deployment(gracefulShutdownTimeoutS = 10)
  public static class Slow {
    private final String label;

    public Slow(String label) {
      this.label = label;
    }

    public String call(Request r) throws InterruptedException {
      started.incrementAndGet();
      Thread.sleep(Long.parseLong(r.queryParam("ms") == null ? "0" : r.queryParam("ms")));
      return label;
    }

    public String label() {
      return label;
    }
  }

  @AfterEach
  void stop() {
    Serve.shutdown();
  }

  @Test
  void runReturnsTheIngressHandleAndShutdownDrainsInFlightRequests() throws Exception {
    ServeNode node = Serve.defaultNode(new ServeOptions().setHttpPort(0));
    DeploymentHandle h = Serve.run(Serve.deployment(Slow.class).bind("slow"), "s", "/s");
    assertEquals("s", h.appName());
    assertEquals("Slow", h.deploymentName());
    assertEquals("slow", h.method("label").remote().await());
    assertEquals("slow", Serve.getAppHandle("s").method("label").remote().await());
    assertEquals("slow", Serve.getDeploymentHandle("Slow", "s").method("label").remote().await());

    Http http = new Http(node.httpPort());
    started.set(0);
    CompletableFuture<HttpResponse<String>> inFlight = http.getAsync("/s?ms=500");
    Poll.until("the request to start", Duration.ofSeconds(10), () -> started.get() == 1);
    Serve.shutdown();  // blocks until drained
    HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), "an accepted request was lost on shutdown: " + r.body());
    assertEquals("slow", r.body());
    assertThrows(IllegalStateException.class, () -> Serve.getAppHandle("s"));
  }

  @Test
  void deleteRemovesTheRouteAndRedeployReplaces() {
    ServeNode node = Serve.defaultNode(new ServeOptions().setHttpPort(0));
    Http http = new Http(node.httpPort());
    Serve.run(Serve.deployment(Slow.class).bind("one"), "app", "/app");
    assertEquals("one", http.get("/app").body());
    Serve.run(Serve.deployment(Slow.class).bind("two"), "app", "/app");
    assertEquals("two", http.get("/app").body());
    assertEquals(List.of("app"), node.applications());
    Serve.delete("app");
    assertEquals(404, http.get("/app").statusCode());
    assertEquals(List.of(), node.applications());
  }

  @Test
  void aSecondApplicationCannotTakeAUsedPrefix() {
    Serve.defaultNode(new ServeOptions().setHttpPort(0));
    Serve.run(Serve.deployment(Slow.class).bind("a"), "a", "/x");
    ServeException e = assertThrows(ServeException.class, () -> Serve.run(Serve.deployment(Slow.class).bind("b"), "b", "/x"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("already used by application 'a'"), e.getMessage());
  }

  @Deployment
  public static class Broken {
    public Broken() {
      throw new IllegalStateException("model file missing");
    }
  }

  @Test
  void aConstructorFailureFailsTheDeployWithTheReason() {
    Serve.defaultNode(new ServeOptions().setHttpPort(0));
    ServeException e = assertThrows(ServeException.class, () -> Serve.run(Application.bind(Broken.class), "b", "/b"));
    assertTrue(e.getMessage().contains("model file missing"), e.getMessage());
  }

  @Test
  void aCustomRequestRouterIsUsed() {
    AtomicInteger asked = new AtomicInteger();
    RequestRouter.Immediate first = (replicas, max, caller) -> {
      asked.incrementAndGet();
      return replicas.get(0).queueLength() < max ? replicas.get(0) : null;
    };
    Serve.defaultNode(new ServeOptions().setHttpPort(0).setRequestRouter(first));
    DeploymentHandle h = Serve.run(Serve.deployment(Slow.class).options(c -> c.setNumReplicas(2)).bind("r"), "r", "/r");
    for (int i = 0; i < 5; i++) assertEquals("r", h.method("label").remote().await());
    assertEquals(5, asked.get());
  }
}
