package dev.vserve.examples.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code custom_router.py} through the shared launcher: a Python {@code RequestRouter} subclass
 * routes the Chat deployment's calls (sessions stick to a replica), sees what replicas say of
 * themselves ({@code record_routing_stats}), and one that raises leaves the call to the default.
 */
class CustomRouterTest extends OnExamplesLauncher {
  private static JsonNode say(String body) {
    HttpResponse<String> r = http.post("/chat", body);
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r);
  }

  private static String replicaOf(String session) {
    return say("{\"session\": \"" + session + "\", \"text\": \"hi\"}").get("replica").asText();
  }

  @Test
  void eachSessionStaysOnOneReplicaAndSessionsSpreadOverBoth() {
    // the router picks by the sum of the name's characters: alice (510) and bob (307) fall on different replicas
    Set<String> alice = new HashSet<>();
    Set<String> bob = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      alice.add(replicaOf("alice"));
      bob.add(replicaOf("bob"));
    }
    assertEquals(1, alice.size(), "alice's calls on one replica: " + alice);
    assertEquals(1, bob.size(), "bob's calls on one replica: " + bob);
    assertNotEquals(alice, bob, "the two sessions on the two replicas");
  }

  @Test
  void aReplicaThatSaysItIsDrainingGetsNoSessionUntilItStops() throws Exception {
    String home = replicaOf("dave");
    assertEquals(home, say("{\"session\": \"dave\", \"drain_s\": 1}").get("replica").asText());
    // its record_routing_stats says so within 0.2 s (request_routing_stats_period_s); then dave moves
    List<String> seen = new ArrayList<>();
    String moved = poll(() -> {
      String r = replicaOf("dave");
      seen.add(r);
      return r.equals(home) ? null : r;
    }, 20_000);
    assertNotEquals(home, moved, "dave's calls left the draining replica; seen " + seen);
    // and come back when it stops draining
    String back = poll(() -> {
      String r = replicaOf("dave");
      return r.equals(home) ? r : null;
    }, 20_000);
    assertEquals(home, back);
  }

  @Test
  void aRouterThatRaisesLeavesTheCallToTheDefaultAndTheLogSaysWhy() throws Exception {
    // request_router_kwargs made the router refuse mallory: the call is answered all the same
    JsonNode r = say("{\"session\": \"mallory\"}");
    assertTrue(r.get("replica").asText().contains("Chat"), r.toString());
    String line = poll(() -> launcher.child.lines.stream()
        .filter(l -> l.contains("request router SessionAffinityRouter of deployment 'Chat' failed")).findFirst().orElse(null), 10_000);
    assertTrue(line.contains("RuntimeError: no route for session 'mallory'") && line.contains("power of two choices"), line);
  }

  @Test
  void raysMixinsRankAsRaysDocumentationSays() {
    JsonNode r = Http.json(http.get("/compat/mixins"));
    assertEquals("[[\"a\",\"c\"],[\"b\"],[]]", r.get("multiplex").toString(), "holding m1, then the fewest models, then the rest");
    assertEquals("[[\"a\"],[],[\"b\",\"c\"]]", r.get("locality").toString(), "same node, same zone (none), the others");
    assertEquals("[\"a\",\"b\"]", r.get("available").toString(), "c is at its max_ongoing_requests");
    assertEquals("[\"a\"]", r.get("first_try").toString());
    assertEquals("[\"a\",\"b\",\"c\"]", r.get("second_try").toString());
    assertTrue(r.get("replica").asBoolean(), r.toString());
  }

  private static <T> T poll(java.util.concurrent.Callable<T> attempt, long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (true) {
      T v = attempt.call();
      if (v != null) return v;
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeoutMs + " ms");
      Thread.sleep(50);
    }
  }
}
