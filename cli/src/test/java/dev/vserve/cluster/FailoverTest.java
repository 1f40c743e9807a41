package dev.vserve.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.ClusterNode;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of nodes under load, on three node JVMs: first a node with replicas (not the
 * controller's), then the controller's own. No request may hang, GETs are retried elsewhere, the
 * replicas come back to target, and the controller role moves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverTest {
  private static final Duration HANG = Duration.ofSeconds(2);

  static ClusterNode a;
  static ClusterNode b;
  static ClusterNode c;

  @BeforeAll
  static void startCluster() throws Exception {
    // if one fails to start, @AfterAll still kills those that did
    a = ClusterNode.start("start", "--num-cpus", "3");
    b = ClusterNode.start("start", "--num-cpus", "3");
    c = ClusterNode.start("run", "dev.vserve.cluster.ClusterApps.work", "--name", "work", "--num-cpus", "3");
    c.awaitOutput("application 'work'", Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    ClusterNode.killAll(a, b, c);
  }

  /** One request's outcome as a client saw it. */
  record Outcome(String method, int status, long millis, String body) {}

  /** Clients sending GETs and POSTs through one proxy until stopped; each request has a 5 s limit. */
  static final class Load implements AutoCloseable {
    final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Load(int port, int getters, int posters) {
      for (int i = 0; i < getters + posters; i++) {
        boolean post = i >= getters;
        threads.add(Thread.ofPlatform().daemon().start(() -> {
          while (running.get()) outcomes.add(send(port, post));
        }));
      }
    }

    private Outcome send(int port, boolean post) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5));
      if (post) b.POST(HttpRequest.BodyPublishers.ofString("{}"));
      long t0 = System.nanoTime();
      int status;
      String body;
      try {
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        status = r.statusCode();
        body = r.body();
      } catch (IOException e) {
        status = -1;
        body = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = -1;
        body = "interrupted";
      }
      return new Outcome(post ? "POST" : "GET", status, (System.nanoTime() - t0) / 1_000_000, body);
    }

    int count() {
      return outcomes.size();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) t.join(10_000);
      client.close();
    }
  }

  private static List<String> workReplicaNodes(JsonNode status) {
    List<String> nodes = new ArrayList<>();
    for (JsonNode app : status.get("applications")) {
      for (JsonNode d : app.get("deployments")) for (JsonNode r : d.get("replicas")) {
        if (r.get("state").asText().equals("RUNNING")) nodes.add(r.get("node").asText());
      }
    }
    return nodes;
  }

  private static void assertNothingHungAndGetsSucceeded(List<Outcome> seen) {
    assertFalse(seen.isEmpty());
    for (Outcome o : seen) {
      assertTrue(o.millis() < HANG.toMillis(), "a request took " + o.millis() + " ms: " + o);
      if (o.method().equals("GET")) assertEquals(200, o.status(), "GETs are retried on another replica: " + o);
      else assertTrue(o.status() == 200 || (o.status() == 503 && o.body().contains("NodeLost")), "a POST either ran or was told its node was lost: " + o);
    }
  }

  @Test
  @Order(1)
  void killingANodeUnderLoadLosesNoGetAndReplacesItsReplicas() throws Exception {
    List<String> before = workReplicaNodes(a.status());
    assertEquals(Set.of(a.nodeId, b.nodeId, c.nodeId), new HashSet<>(before), "spread one per node: " + before);

    List<Outcome> seen;
    try (Load load = new Load(a.port, 6, 2)) {
      Poll.until("load to run", Duration.ofSeconds(30), () -> load.count() > 200);
      b.kill();
      int atKill = load.count();
      // keep the load on until the replacement serves, and a while after
      Poll.until("B's replica to be replaced", Duration.ofSeconds(30), () -> {
        List<String> now = workReplicaNodes(a.status());
        return now.size() == 3 && !now.contains(b.nodeId);
      });
      Poll.until("load after the kill", Duration.ofSeconds(30), () -> load.count() > atKill + 300);
      load.close();
      seen = new ArrayList<>(load.outcomes);
    }
    assertNothingHungAndGetsSucceeded(seen);
    assertTrue(seen.stream().anyMatch(o -> o.body().contains(b.nodeId)), "B's replica had its share of the calls before it died");
    JsonNode status = a.status();
    assertEquals(2, status.get("nodes").size(), "B left: " + status);
    assertTrue(status.toString().contains("\"HEALTHY\""), status.toString());
  }

  @Test
  @Order(2)
  void killingTheControllersNodeMovesTheControllerAndKeepsServing() throws Exception {
    assertEquals(a.nodeId, c.status().get("controller").get("node").asText());
    List<Outcome> seen;
    try (Load load = new Load(c.port, 6, 0)) {
      Poll.until("load to run", Duration.ofSeconds(30), () -> load.count() > 200);
      a.kill();
      int atKill = load.count();
      try {
        // 60 s: on a loaded machine (another test's cluster beside this one) failure detection and the
        // replicas' start take longer than alone (about 5 s here)
        Poll.until("C to take over and bring the replicas back", Duration.ofSeconds(60), () -> {
          JsonNode s = c.status();
          if (!s.has("controller")) return false;  // 503 while no controller runs
          List<String> now = workReplicaNodes(s);
          return s.get("controller").get("node").asText().equals(c.nodeId) && now.size() == 3 && Set.copyOf(now).equals(Set.of(c.nodeId));
        });
      } catch (AssertionError e) {
        List<String> out = c.process.lines;
        throw new AssertionError(e.getMessage() + "; C's status: " + c.http.get("/-/status").body() + "; C's last output:\n"
            + String.join("\n", out.subList(Math.max(0, out.size() - 60), out.size())), e);
      }
      Poll.until("load after the takeover", Duration.ofSeconds(30), () -> load.count() > atKill + 300);
      load.close();
      seen = new ArrayList<>(load.outcomes);
    }
    assertNothingHungAndGetsSucceeded(seen);
    JsonNode status = c.status();
    assertNotEquals(a.nodeId, status.get("controller").get("node").asText());
    assertEquals("RUNNING", status.get("applications").get(0).get("status").asText(), "taken over, not redeployed: " + status);
  }
}
