package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deployment's own health check (Ray's {@code check_health}): a replica whose check fails, or does
 * not answer within the timeout, is replaced, while the other replica serves on.
 */
class HealthCheckTest {
  static final AtomicInteger constructed = new AtomicInteger();
  /** Replicas (by their own id) whose check fails, and whose check hangs. */
  static final Set<String> failing = ConcurrentHashMap.newKeySet();
  static final Set<String> hanging = ConcurrentHashMap.newKeySet();

  @Deployment(numReplicas = 2, healthCheckPeriodS = 0.1, healthCheckTimeoutS = 0.5, gracefulShutdownTimeoutS = 0.1)
  public static class Checked {
    final String id = UUID.randomUUID().toString();

    public Checked() {
      constructed.incrementAndGet();
    }

    @Get("/id")
    public String id() {
      return id;
    }

    @Post("/fail")
    public String fail() {
      failing.add(id);
      return id;
    }

    @Post("/hang")
    public String hang() {
      hanging.add(id);
      return id;
    }

    public void checkHealth() throws InterruptedException {
      if (failing.contains(id)) throw new IllegalStateException("lost its model");
      while (hanging.contains(id)) Thread.sleep(10_000);
    }
  }

  ServeNode node;

  @AfterEach
  void stop() {
    hanging.clear();
    Nodes.close(node);
  }

  private void replacedAfter(String path) {
    constructed.set(0);
    node = Nodes.start();
    Nodes.deploy(node, Application.bind(Checked.class), "checked", "/");
    Http http = new Http(node.httpPort());
    assertEquals(2, constructed.get());
    String sick = Http.json(http.post(path, "")).asText();
    Poll.until("the replica with the failed check to be replaced", Duration.ofSeconds(60), () -> {
      HttpResponse<String> r = http.get("/id");
      assertEquals(200, r.statusCode(), "the other replica serves throughout: " + r.body());
      return constructed.get() == 3;
    });
    Poll.until("the unwell replica to be out of routing", Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 20; i++) if (Http.json(http.get("/id")).asText().equals(sick)) return false;
      return true;
    });
    String status = Http.json(http.get("/-/status")).toString();
    assertTrue(status.contains("HEALTHY"), status);
  }

  @Test
  void aReplicaWhoseCheckFailsIsReplaced() {
    replacedAfter("/fail");
  }

  @Test
  void aReplicaWhoseCheckDoesNotAnswerInTimeIsReplaced() {
    replacedAfter("/hang");
  }
}
