package dev.vserve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A replica whose call runs past its deadline and ignores cancellation is stuck: it is taken out of
 * routing and replaced, while the other replica keeps serving.
 */
class StuckReplicaTest {
  static volatile boolean release;
  static final AtomicInteger constructed = new AtomicInteger();
  static ServeNode node;

  @Deployment(numReplicas = 2, maxOngoingRequests = 1, gracefulShutdownTimeoutS = 0.1)
  public static class Deaf {
    public Deaf() {
      constructed.incrementAndGet();
    }

    @Get("/spin")
    public String spin() {
      while (!release) Thread.onSpinWait();   // deaf to interrupts
      return "released";
    }

    @Get("/ok")
    public String ok() {
      return "ok";
    }
  }

  @AfterAll
  static void stop() {
    release = true;
    Nodes.close(node);
  }

  @Test
  void aReplicaThatIgnoresCancellationIsReplacedWhileTheOtherServes() {
    node = Nodes.start(new ServeOptions().setRequestTimeoutMs(500));
    Nodes.deploy(node, Serve.deployment(Deaf.class).bind(), "deaf", "/");
    Http http = new Http(node.httpPort());
    assertEquals(2, constructed.get());
    Set<String> before = replicaIds(http);

    HttpResponse<String> spun = http.get("/spin");
    assertEquals(504, spun.statusCode(), spun.body());
    // the other replica answers throughout
    Poll.until("the stuck replica to be replaced", Duration.ofSeconds(60), () -> {
      assertEquals(200, http.get("/ok").statusCode());
      return constructed.get() == 3 && "HEALTHY".equals(deployment(http).get("status").asText());
    });
    Set<String> after = replicaIds(http);
    assertEquals(2, after.size());
    after.retainAll(before);
    assertEquals(1, after.size(), "one replica kept, one replaced");
    JsonNode d = deployment(http);
    assertFalse(d.toString().contains("\"UNHEALTHY\""), d.toString());
  }

  private static JsonNode deployment(Http http) {
    return Http.json(http.get("/-/status")).get("applications").get(0).get("deployments").get(0);
  }

  private static Set<String> replicaIds(Http http) {
    Set<String> ids = new HashSet<>();
    for (JsonNode r : deployment(http).get("replicas")) {
      if ("RUNNING".equals(r.get("state").asText())) ids.add(r.get("id").asText());
    }
    return ids;
  }
}
