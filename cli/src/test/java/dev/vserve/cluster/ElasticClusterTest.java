package dev.vserve.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.ChildProcess;
import dev.vserve.testing.ClusterNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The elastic control plane on two node JVMs (3 CPUs each; A controls), driven as an operator drives
 * it: serve configs applied through the admin API (and {@code vserve deploy}/{@code config} as child
 * processes), load from real HTTP clients on both proxies, and the cluster's status read back. Each
 * test applies a whole config, so it starts from the applications it lists.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ElasticClusterTest {
  private static final String TOKEN = "test-admin-token-0123456789";
  @TempDir
  static Path dir;
  static ClusterNode a;
  static ClusterNode b;

  @BeforeAll
  static void startCluster() throws Exception {
    a = ClusterNode.start("start", "--num-cpus", "3", "--admin-token", TOKEN);
    b = ClusterNode.start("start", "--num-cpus", "3", "--admin-token", TOKEN);
    Poll.until("both nodes in the controller's view", Duration.ofSeconds(60), () -> a.status().get("nodes").size() == 2);
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    ClusterNode.killAll(a, b);
  }

  // ---- helpers ----

  private static HttpResponse<String> admin(String method, String path, String body, String token) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.adminPort + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json");
    if (token != null) r.header("Authorization", "Bearer " + token);
    return a.http.send(r.timeout(Duration.ofMinutes(2)));
  }

  /** Applies a whole config (JSON) through the admin API, as {@code vserve deploy} does. */
  private static void deploy(String config) {
    HttpResponse<String> r = admin("PUT", "/api/serve/applications/", config, TOKEN);
    assertEquals(200, r.statusCode(), r.body());
  }

  private static String app(String name, String importPath) {
    return "{\"name\": \"" + name + "\", \"route_prefix\": \"/" + name + "\", \"import_path\": \"dev.vserve.cluster.AutoscaleApps." + importPath + "\"}";
  }

  private static JsonNode deployment(String app) {
    for (JsonNode x : a.status().get("applications")) if (x.get("name").asText().equals(app)) return x.get("deployments").get(0);
    throw new AssertionError("no application " + app + " in " + a.status());
  }

  private static List<JsonNode> running(String app) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode r : deployment(app).get("replicas")) if (r.get("state").asText().equals("RUNNING")) out.add(r);
    return out;
  }

  /** Clients sending GETs to both proxies until stopped; every answer but a 200 is counted and kept. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean on = new AtomicBoolean(true);
    final AtomicInteger ok = new AtomicInteger();
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Thread> clients = new ArrayList<>();

    Load(int n, String path) {
      for (int i = 0; i < n; i++) {
        Http http = i % 2 == 0 ? a.http : b.http;
        clients.add(Thread.ofPlatform().daemon().start(() -> {
          while (on.get()) {
            try {
              HttpResponse<String> r = http.get(path);
              if (r.statusCode() == 200) ok.incrementAndGet(); else failures.add(r.statusCode() + " " + r.body());
            } catch (RuntimeException e) {
              failures.add(e.toString());
            }
          }
        }));
      }
    }

    @Override
    public void close() throws InterruptedException {
      on.set(false);
      for (Thread t : clients) t.join(30_000);
    }
  }

  // ---- tests ----

  @Test
  void scalesUpUnderLoadAcrossBothNodesHoldsSteadyAndScalesBackDownAfterTheDelay() throws Exception {
    deploy("{\"applications\": [" + app("elastic", "elastic") + "]}");
    assertEquals(1, running("elastic").size());
    Load load = new Load(12, "/elastic");
    try {
      // 12 clients, 100 ms a request, 2 ongoing requests a replica: 6 wanted, bounded at 4
      Poll.until("4 replicas under load", Duration.ofSeconds(40), () -> running("elastic").size() == 4);
      Set<String> nodes = new HashSet<>();
      for (JsonNode r : running("elastic")) nodes.add(r.get("node").asText());
      assertEquals(Set.of(a.nodeId, b.nodeId), nodes, "one CPU each, three per node: both nodes run them");
      // steady load: the count holds, no flapping
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < until) {
        assertEquals(4, deployment("elastic").get("target_replicas").asInt(), "the target moved under steady load");
        Thread.sleep(100);
      }
    } finally {
      load.close();
    }
    assertEquals(List.of(), load.failures, "no request failed while the deployment grew (" + load.ok.get() + " answered)");
    Poll.until("back to 1 replica after the 2 s downscale delay", Duration.ofSeconds(40), () -> running("elastic").size() == 1
        && deployment("elastic").get("replicas").size() == 1);
  }

  @Test
  void fromZeroTheFirstRequestIsAnsweredAndTheDeploymentGoesBackToZero() {
    deploy("{\"applications\": [" + app("sleepy", "sleepy") + "]}");
    JsonNode d = deployment("sleepy");
    assertEquals(0, d.get("replicas").size(), "min_replicas 0, no traffic: no replica");
    assertEquals("HEALTHY", d.get("status").asText());
    for (ClusterNode n : List.of(b, a)) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = n.http.get("/sleepy");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(200, r.statusCode(), r.body());
      System.out.println("first answer from zero through node " + n.nodeId.substring(0, 8) + ": " + ms + " ms");
      Poll.until("scale to zero after a second idle", Duration.ofSeconds(30), () -> deployment("sleepy").get("replicas").size() == 0);
    }
  }

  @Test
  void aCustomJavaPolicyDecidesAndTheExternalScalerNeedsTheToken() {
    deploy("{\"applications\": [" + app("steered", "steered") + ", " + app("fixed", "fixed") + "]}");
    Poll.until("the policy's 3 replicas", Duration.ofSeconds(30), () -> running("steered").size() == 3);

    String scale = "/api/v1/applications/fixed/deployments/Fixed/scale";
    HttpResponse<String> refused = admin("POST", scale, "{\"target_num_replicas\": 2}", null);
    assertEquals(401, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("Unauthorized"), refused.body());
    assertEquals(401, admin("POST", scale, "{\"target_num_replicas\": 2}", "wrong-token-wrong-token").statusCode());
    HttpResponse<String> bad = admin("POST", scale, "{\"target_num_replicas\": -1}", TOKEN);
    assertEquals(400, bad.statusCode(), bad.body());
    HttpResponse<String> ok = admin("POST", scale, "{\"target_num_replicas\": 2}", TOKEN);
    assertEquals(200, ok.statusCode(), ok.body());
    Poll.until("the scaler's 2 replicas", Duration.ofSeconds(30), () -> running("fixed").size() == 2);
    assertEquals(404, admin("POST", "/api/v1/applications/nope/deployments/X/scale", "{\"target_num_replicas\": 1}", TOKEN).statusCode());
  }

  @Test
  void aCodeUpdateRollsUnderLoadWithoutAFailedRequest() throws Exception {
    deploy("{\"applications\": [" + app("versioned", "v1") + "]}");
    Set<String> before = new HashSet<>();
    for (JsonNode r : running("versioned")) before.add(r.get("id").asText());
    Load load = new Load(6, "/versioned");
    try {
      Poll.until("load flowing", Duration.ofSeconds(10), () -> load.ok.get() > 20);
      deploy("{\"applications\": [" + app("versioned", "v2") + "]}");
      int answered = load.ok.get();
      Poll.until("more answers after the update", Duration.ofSeconds(10), () -> load.ok.get() > answered + 20);
    } finally {
      load.close();
    }
    assertEquals(List.of(), load.failures, "no failed request across the rolling update (" + load.ok.get() + " answered)");
    for (int i = 0; i < 6; i++) assertEquals(2, Http.json(a.http.get("/versioned")).get("version").asInt());
    for (JsonNode r : running("versioned")) assertTrue(!before.contains(r.get("id").asText()), "an old replica still runs: " + r);
  }

  @Test
  void anUnhealthyReplicaIsReplacedWhileTheOtherServes() throws Exception {
    deploy("{\"applications\": [" + app("flaky", "flaky") + "]}");
    Load load = new Load(4, "/flaky");
    String broken;
    try {
      broken = Http.json(a.http.post("/flaky", "{}")).get("replica").asText();
      Poll.until("the broken replica replaced", Duration.ofSeconds(30), () -> {
        List<JsonNode> r = running("flaky");
        return r.size() == 2 && r.stream().noneMatch(x -> x.get("id").asText().equals(broken));
      });
    } finally {
      load.close();
    }
    assertEquals(List.of(), load.failures, "the other replica served meanwhile (" + load.ok.get() + " answered)");
  }

  @Test
  void deployThenConfigRoundTripsAReconfigureKeepsTheReplicasAndDeployWithoutTheTokenIsRefused() throws Exception {
    Path config = dir.resolve("serve.yaml");
    String yaml = """
        applications:
          - name: tunable
            route_prefix: /tunable
            import_path: dev.vserve.cluster.AutoscaleApps.tunable
            deployments:
              - name: Tunable
                max_ongoing_requests: 7
                user_config: {threshold: 0.5}
          - name: sleepy
            route_prefix: /sleepy
            import_path: dev.vserve.cluster.AutoscaleApps.sleepy
        """;
    Files.writeString(config, yaml);
    String address = "http://127.0.0.1:" + a.adminPort;
    ChildProcess refused = cli("deploy", config.toString(), "--address", address);
    assertEquals(1, refused.process.exitValue(), String.join("\n", refused.lines));
    assertTrue(String.join("\n", refused.lines).contains("refused the change: no valid token"), String.join("\n", refused.lines));

    ChildProcess deployed = cli("deploy", config.toString(), "--address", address, "--token", TOKEN);
    assertEquals(0, deployed.process.exitValue(), String.join("\n", deployed.lines));
    assertEquals(0.5, Http.json(b.http.get("/tunable")).get("config").get("threshold").asDouble());

    ChildProcess shown = cli("config", "--address", "127.0.0.1:" + b.adminPort);
    assertEquals(0, shown.process.exitValue(), String.join("\n", shown.lines));
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    assertEquals(mapper.readTree(config.toFile()), mapper.readTree(String.join("\n", shown.lines)), "what vserve config prints is what was deployed");

    // only user_config changes: the same replicas, reconfigured in place on both nodes
    Set<String> before = new HashSet<>();
    for (JsonNode r : running("tunable")) before.add(r.get("id").asText());
    Files.writeString(config, yaml.replace("threshold: 0.5", "threshold: 0.9"));
    ChildProcess again = cli("deploy", config.toString(), "--address", address, "--token", TOKEN);
    assertEquals(0, again.process.exitValue(), String.join("\n", again.lines));
    for (int i = 0; i < 6; i++) {
      JsonNode answer = Http.json((i % 2 == 0 ? a : b).http.get("/tunable"));
      assertEquals(0.9, answer.get("config").get("threshold").asDouble(), answer.toString());
      assertTrue(before.contains(answer.get("replica").asText()), "a replica that was not restarted answered: " + answer);
    }
    Set<String> after = new HashSet<>();
    for (JsonNode r : running("tunable")) after.add(r.get("id").asText());
    assertEquals(before, after, "reconfigured, not restarted");
  }

  /** Last: it stops the cluster. */
  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
  void shutdownDeletesEveryApplicationThenStopsEveryNode() throws Exception {
    deploy("{\"applications\": [" + app("fixed", "fixed") + "]}");
    ChildProcess down = cli("shutdown", "--nodes", "--address", "127.0.0.1:" + b.adminPort, "--token", TOKEN);
    assertEquals(0, down.process.exitValue(), String.join("\n", down.lines));
    assertTrue(String.join("\n", down.lines).contains("[\"fixed\"]"), String.join("\n", down.lines));
    for (ClusterNode n : List.of(a, b)) {
      assertTrue(n.process.process.waitFor(60, TimeUnit.SECONDS), "node " + n.nodeId + " exits: " + n.process.lines);
      assertEquals(0, n.process.process.exitValue(), String.join("\n", n.process.lines));
    }
  }

  /** The command line in a JVM of its own, run to its end. */
  private static ChildProcess cli(String... args) throws Exception {
    ChildProcess p = ChildProcess.java(List.of(), "dev.vserve.cli.Main", args);
    assertTrue(p.awaitExit(120, TimeUnit.SECONDS), "vserve " + String.join(" ", args) + " ends: " + p.lines);
    return p;
  }
}
