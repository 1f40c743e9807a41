package dev.vserve.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.ClusterNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Task queues across two node JVMs: 2,000 tasks submitted over HTTP to both nodes, {@code kill -9} of
 * the node without the controller while its consumers hold tasks; every task ends with one final
 * status, none is lost, and the ones that always fail end in the dead-letter queue after their retries.
 */
class TaskQueueClusterTest {
  static final int TASKS = 2000;
  static final int FAILING = 20;


  static ClusterNode a;
  /** The long task B was running when it was killed. */
  static String heldByB;
  static ClusterNode b;

  @BeforeAll
  static void startCluster() throws Exception {
    a = ClusterNode.start("start");
    b = ClusterNode.start("run", "dev.vserve.cluster.TaskApps.squares", "--name", "squares");
    b.awaitOutput("application 'squares'", Duration.ofSeconds(90));
    Poll.until("a consumer on each node", Duration.ofSeconds(30), () -> {
      Set<String> nodes = new HashSet<>();
      for (JsonNode app : a.status().get("applications")) for (JsonNode d : app.get("deployments")) {
        for (JsonNode r : d.get("replicas")) if (r.get("state").asText().equals("RUNNING")) nodes.add(r.get("node").asText());
      }
      return nodes.equals(Set.of(a.nodeId, b.nodeId));
    });
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    ClusterNode.killAll(a, b);
  }

  @Test
  void killingANodeMidwayLosesNoTaskAndRecordsEachResultOnce() throws Exception {
    Map<String, Long> squares = new ConcurrentHashMap<>();
    Set<String> longOnes = ConcurrentHashMap.newKeySet();
    Set<String> failing = ConcurrentHashMap.newKeySet();
    AtomicInteger submitted = new AtomicInteger();
    List<String> refused = new ArrayList<>();
    try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int client = c;
        work.add(clients.submit(() -> {
          for (int n = client; n < TASKS; n += 8) {
            boolean fails = n % (TASKS / FAILING) == 0;
            String body = "{\"task_name\":\"" + (fails ? "always_fails" : "square") + "\",\"args\":[" + n + "]}";
            // half through B until it is killed; a submission B's death cut off is sent to A again (the
            // lost one may have been queued: at least once), so the failing ones go to A only
            HttpResponse<String> r = null;
            if (!fails && n % 2 == 1 && b.process.process.isAlive()) {
              try {
                r = b.http.post("/-/tasks/squares", body);
              } catch (RuntimeException cutOff) {
                r = null;
              }
            }
            if (r == null || r.statusCode() != 202) r = a.http.post("/-/tasks/squares", body);
            if (r.statusCode() != 202) {
              synchronized (refused) { refused.add(r.statusCode() + " " + r.body()); }
              continue;
            }
            String id = Http.json(r).get("task_id").asText();
            if (fails) failing.add(id); else squares.put(id, (long) n * n);
            if (n % 100 == 50) longOnes.add(id);
            submitted.incrementAndGet();
          }
          return null;
        }));
      }
      long t0 = System.nanoTime();
      Poll.until("half the tasks to be submitted", Duration.ofSeconds(120), () -> submitted.get() >= TASKS / 2);
      int done = countFinal(squares.keySet());
      // killed while its consumer runs a long task (2 s): that one must come back and run on A
      String[] held = {null};
      Poll.until("B to run a long task", Duration.ofSeconds(60), () -> {
        for (String id : longOnes) {
          JsonNode t = Http.json(a.http.get("/-/tasks/" + id));
          if (t.get("status").asText().equals("STARTED") && b.nodeId.equals(t.path("node").asText())) {
            held[0] = id;
            return true;
          }
        }
        return false;
      });
      b.kill();
      heldByB = held[0];
      System.out.println("killed B after " + submitted.get() + " submissions, " + done + " of them sampled final, at " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      for (Future<?> f : work) f.get();
      System.out.println("all submitted at " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
    assertTrue(refused.isEmpty(), "submissions refused: " + refused);
    assertEquals(TASKS, squares.size() + failing.size());

    // read back eight at a time (one by one, 2,000 reads were a third of the test)
    Map<String, JsonNode> finals = new ConcurrentHashMap<>();
    try (ExecutorService readers = Executors.newFixedThreadPool(8)) {
      List<Future<?>> reads = new ArrayList<>();
      for (String id : squares.keySet()) reads.add(readers.submit(() -> finals.put(id, awaitFinal(id))));
      for (Future<?> f : reads) f.get();
    }
    int redelivered = 0;
    for (var e : squares.entrySet()) {
      JsonNode t = finals.get(e.getKey());
      assertEquals("SUCCESS", t.get("status").asText(), t.toString());
      assertEquals(e.getValue().longValue(), t.get("result").get("square").asLong(), t.toString());
      if (t.get("attempts").asInt() > 1) redelivered++;
    }
    for (String id : failing) {
      JsonNode t = awaitFinal(id);
      assertEquals("FAILURE", t.get("status").asText(), t.toString());
      assertEquals(3, t.get("attempts").asInt(), "the first attempt and two retries: " + t);
      assertTrue(t.get("error").asText().contains("fails every time"), t.toString());
    }
    System.out.println(redelivered + " tasks ran more than once (redelivered from the killed node)");
    JsonNode held = awaitFinal(heldByB);
    assertEquals("SUCCESS", held.get("status").asText(), held.toString());
    assertTrue(held.get("attempts").asInt() >= 2, "the task B held when it died ran again: " + held);
    assertEquals(a.nodeId, held.get("node").asText(), held.toString());
    JsonNode dead = Http.json(a.http.get("/-/queues/squares-failed/tasks?limit=100"));
    Set<String> deadIds = new HashSet<>();
    for (JsonNode t : dead.get("tasks")) deadIds.add(t.get("id").asText());
    assertEquals(failing, deadIds, dead.toString());
    assertEquals(0, Http.json(a.http.get("/-/queues/squares")).get("depth").asInt());
    // final means final: a second look finds the same result
    String one = squares.keySet().iterator().next();
    assertEquals(awaitFinal(one).toString(), awaitFinal(one).toString());
  }

  private static int countFinal(Set<String> ids) {
    int n = 0;
    for (String id : ids.stream().limit(50).toList()) {
      String s = Http.json(a.http.get("/-/tasks/" + id)).get("status").asText();
      if (s.equals("SUCCESS") || s.equals("FAILURE")) n++;
    }
    return n;
  }

  private static JsonNode awaitFinal(String id) {
    HttpResponse<String> r = a.http.get("/-/tasks/" + id + "?timeout_s=60");
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r);
  }
}
