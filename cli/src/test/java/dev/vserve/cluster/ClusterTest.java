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

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three vserve nodes, each a JVM of its own on loopback: A (2 CPUs, first up, so the controller),
 * B (2 CPUs, one GPU, a custom resource) and C (2 CPUs), which deploys the applications with
 * {@code vserve run config.json --cluster}.
 */
class ClusterTest {
  @TempDir
  static Path dir;
  static ClusterNode a;
  static ClusterNode b;
  static ClusterNode c;

  @BeforeAll
  static void startCluster() throws Exception {
    Path config = dir.resolve("apps.json");
    Files.writeString(config, """
        {"applications": [
          {"name": "spread", "route_prefix": "/spread", "import_path": "dev.vserve.cluster.ClusterApps.spread"},
          {"name": "gpu", "route_prefix": "/gpu", "import_path": "dev.vserve.cluster.ClusterApps.gpu"},
          {"name": "local", "route_prefix": "/local", "import_path": "dev.vserve.cluster.ClusterApps.local"},
          {"name": "echo", "route_prefix": "/echo", "import_path": "dev.vserve.cluster.ClusterApps.echo",
           "deployments": [{"name": "Echo", "ray_actor_options": {"resources": {"echo-slot": 1}}}]},
          {"name": "tokens", "route_prefix": "/tokens", "import_path": "dev.vserve.cluster.ClusterApps.tokens",
           "deployments": [{"name": "Tokens", "resources": {"echo-slot": 0.5}}]}
        ]}""");
    // if one fails to start, @AfterAll still kills those that did
    a = ClusterNode.start("start", "--num-cpus", "2", "--tracing", "file", "--tracing-file", dir.resolve("a.jsonl").toString());
    b = ClusterNode.start("start", "--num-cpus", "2", "--num-gpus", "1", "--resources", "{\"echo-slot\": 2}",
        "--tracing", "file", "--tracing-file", dir.resolve("b.jsonl").toString());
    c = ClusterNode.start("run", config.toString(), "--num-cpus", "2", "--tracing", "file", "--tracing-file", dir.resolve("c.jsonl").toString());
    c.awaitOutput("application 'tokens'", Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    ClusterNode.killAll(a, b, c);
  }

  /** Hazelcast binds every interface unless told not to; a vserve node listens only on its cluster host. */
  @Test
  void theClusterListensOnlyOnTheClusterHost() throws Exception {
    java.net.InetAddress outside = null;
    for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (var addr : java.util.Collections.list(nif.getInetAddresses())) {
        if (!addr.isLoopbackAddress() && addr instanceof java.net.Inet4Address) outside = addr;
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "this machine has no address but loopback");
    int listening = 0;
    for (int port = ClusterNode.HAZELCAST_PORT; port < ClusterNode.HAZELCAST_PORT + 10; port++) {
      if (connects(java.net.InetAddress.getLoopbackAddress(), port)) {
        listening++;
        assertTrue(!connects(outside, port), "Hazelcast port " + port + " answers on " + outside.getHostAddress());
      }
    }
    assertTrue(listening >= 3, "each of the three nodes listens on loopback (found " + listening + ")");
  }

  private static boolean connects(java.net.InetAddress host, int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(host, port), 1000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static JsonNode app(JsonNode status, String name) {
    for (JsonNode app : status.get("applications")) if (app.get("name").asText().equals(name)) return app;
    throw new AssertionError("no application " + name + " in " + status);
  }

  private static List<String> replicaNodes(JsonNode app, String deployment) {
    List<String> nodes = new ArrayList<>();
    for (JsonNode d : app.get("deployments")) {
      if (!d.get("name").asText().equals(deployment)) continue;
      for (JsonNode r : d.get("replicas")) nodes.add(r.get("node").asText());
    }
    return nodes;
  }

  @Test
  void threeNodesFormOneClusterWithOneController() {
    for (ClusterNode n : List.of(a, b, c)) {
      JsonNode s = n.status();
      assertEquals(a.nodeId, s.get("controller").get("node").asText(), "the first node controls: " + s);
      Set<String> ids = new HashSet<>();
      for (JsonNode node : s.get("nodes")) ids.add(node.get("id").asText());
      assertEquals(Set.of(a.nodeId, b.nodeId, c.nodeId), ids);
    }
    JsonNode gpuNode = null;
    for (JsonNode node : a.status().get("nodes")) if (node.get("id").asText().equals(b.nodeId)) gpuNode = node;
    assertEquals(1.0, gpuNode.get("resources").get("GPU").asDouble());
    assertEquals(2.0, gpuNode.get("resources").get("echo-slot").asDouble());
  }

  @Test
  void aComposedApplicationSpansNodesAndAnswersThroughEveryProxy() {
    JsonNode spread = app(a.status(), "spread");
    assertEquals("RUNNING", spread.get("status").asText());
    List<String> placed = new ArrayList<>(replicaNodes(spread, "Front"));
    placed.addAll(replicaNodes(spread, "Back"));
    assertEquals(4, placed.size());
    // one CPU each, two per node: four replicas cannot all share a node, and one deployment's spread
    Map<String, Integer> perNode = new HashMap<>();
    for (String n : placed) perNode.merge(n, 1, Integer::sum);
    assertTrue(perNode.values().stream().allMatch(k -> k <= 2), "at most 2 CPUs' worth per node: " + perNode);
    assertEquals(2, new HashSet<>(replicaNodes(spread, "Front")).size(), "Front's replicas on two nodes");
    assertEquals(2, new HashSet<>(replicaNodes(spread, "Back")).size(), "Back's replicas on two nodes");

    Set<String> fronts = new HashSet<>();
    for (ClusterNode n : List.of(a, b, c)) {
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = n.http.get("/spread");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Http.json(r);
        assertTrue(placed.contains(body.get("back").asText()), r.body());
        fronts.add(body.get("front").asText());
      }
    }
    assertEquals(new HashSet<>(replicaNodes(spread, "Front")), fronts, "both Front replicas served");
  }

  /** One span of a trace file: what the test follows. */
  private record TraceSpan(String file, String trace, String id, String parent, String name, String deployment) {}

  private static List<TraceSpan> spans() throws java.io.IOException {
    List<TraceSpan> out = new ArrayList<>();
    for (String f : List.of("a.jsonl", "b.jsonl", "c.jsonl")) {
      Path p = dir.resolve(f);
      if (!Files.exists(p)) continue;
      for (String line : Files.readAllLines(p)) {
        JsonNode span = dev.vserve.impl.Json.MAPPER.readTree(line).get("resourceSpans").get(0).get("scopeSpans").get(0).get("spans").get(0);
        String deployment = "";
        for (JsonNode attr : span.get("attributes")) {
          if (attr.get("key").asText().equals("vserve.deployment")) deployment = attr.get("value").get("stringValue").asText();
        }
        out.add(new TraceSpan(f, span.get("traceId").asText(), span.get("spanId").asText(),
            span.has("parentSpanId") ? span.get("parentSpanId").asText() : "", span.get("name").asText(), deployment));
      }
    }
    return out;
  }

  /**
   * A client's W3C trace continues through the proxy, the Front replica, its handle call and the Back
   * replica, on whichever nodes they run: one trace, each span the child of the one before, in the
   * nodes' OTLP JSON files. The node without a Front replica routes its requests to another node.
   */
  @Test
  void aRequestThroughAComposedApplicationIsOneTraceAcrossNodes() throws Exception {
    List<String> traces = new ArrayList<>();
    for (ClusterNode n : List.of(a, b, c)) {
      for (int i = 0; i < 4; i++) {
        String trace = String.format("%032x", new java.util.Random().nextLong() & Long.MAX_VALUE);
        String client = "00f067aa0ba902b7";
        HttpResponse<String> r = n.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + n.port + "/spread"))
            .header("traceparent", "00-" + trace + "-" + client + "-01").GET());
        assertEquals(200, r.statusCode(), r.body());
        traces.add(trace);
      }
    }
    List<String> chain = List.of("proxy_http_request", "proxy_route_to_replica", "replica_handle_request", "route_to_replica",
        "replica_handle_request");
    Poll.until("every trace's five spans exported", Duration.ofSeconds(30), () -> {
      try {
        List<TraceSpan> all = spans();
        return traces.stream().allMatch(t -> all.stream().filter(x -> x.trace().equals(t)).count() >= 5);
      } catch (java.io.IOException e) {
        return false;
      }
    });
    List<TraceSpan> all = spans();
    boolean crossedNodes = false;
    for (String t : traces) {
      List<TraceSpan> trace = all.stream().filter(x -> x.trace().equals(t)).toList();
      assertEquals(5, trace.size(), "one span per step: " + trace);
      String parent = "00f067aa0ba902b7";
      for (String name : chain) {
        String p = parent;
        TraceSpan step = trace.stream().filter(x -> x.name().equals(name) && x.parent().equals(p)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + name + " under " + p + " in " + trace));
        parent = step.id();
      }
      assertEquals(List.of("Front", "Front", "Front", "Back", "Back"), trace.stream().sorted(java.util.Comparator.comparingInt(
          x -> chain.indexOf(x.name()) + (x.deployment().equals("Back") ? 10 : 0))).map(TraceSpan::deployment).toList(), trace.toString());
      crossedNodes |= trace.stream().map(TraceSpan::file).distinct().count() > 1;
    }
    assertTrue(crossedNodes, "some trace spans two nodes' files");
  }

  @Test
  void gpuSharesLandOnlyOnTheGpuNodeAndPackOntoOneGpu() {
    JsonNode gpu = app(a.status(), "gpu");
    assertEquals(List.of(b.nodeId, b.nodeId), replicaNodes(gpu, "GpuWorker"));
    for (JsonNode d : gpu.get("deployments")) {
      for (JsonNode r : d.get("replicas")) assertEquals("[0]", r.get("gpu_ids").toString(), "half shares of GPU 0");
    }
    JsonNode answer = Http.json(a.http.get("/gpu"));
    assertEquals(b.nodeId, answer.get("node").asText());
    assertEquals("[0]", answer.get("gpu_ids").toString(), "the replica sees its GPU in its context");
  }

  @Test
  void anApplicationThatFitsNowhereIsRefusedNamingWhatItNeeds() throws Exception {
    // two whole GPUs: the only GPU node has one (and it is shared already)
    ChildProcess p = ChildProcess.java(List.of(), "dev.vserve.cli.Main", "status", "--address", "127.0.0.1:" + a.port);
    assertTrue(p.process.waitFor(30, TimeUnit.SECONDS));
    ClusterNode d = null;
    try {
      d = ClusterNode.start("run", "dev.vserve.cluster.ClusterApps.hungry", "--name", "hungry", "--route-prefix", "/hungry",
          "--num-cpus", "1");
      ClusterNode node = d;
      Poll.until("the refused deploy to end its node", Duration.ofSeconds(60), () -> !node.process.process.isAlive());
      assertEquals(1, d.process.process.exitValue());
      String out = String.join("\n", d.process.lines);
      assertTrue(out.contains("deployment 'Hungry' of application 'hungry' cannot be placed"), out);
      assertTrue(out.contains("needs {GPU 2}"), out);
    } finally {
      if (d != null) d.kill();
    }
    assertTrue(a.status().get("applications").findValues("name").stream().noneMatch(n -> n.asText().equals("hungry")));
    // the status command a user types prints the same cluster
    String printed = String.join("\n", p.lines);
    assertTrue(printed.contains("controller: node " + a.nodeId.substring(0, 8)), printed);
    assertTrue(printed.contains("GpuWorker  HEALTHY  2/2 replicas"), printed);
  }

  @Test
  void callsPreferAReplicaOnTheCallersOwnNode() {
    JsonNode local = app(a.status(), "local");
    assertEquals(Set.of(a.nodeId, b.nodeId, c.nodeId), new HashSet<>(replicaNodes(local, "Local")), "one replica per node");
    for (ClusterNode n : List.of(a, b, c)) {
      for (int i = 0; i < 20; i++) {
        JsonNode answer = Http.json(n.http.get("/local"));
        assertEquals(n.nodeId, answer.get("node").asText(), "an idle local replica wins over remote ones");
      }
    }
  }

  @Test
  void oneMegabyteBodiesCrossNodes() {
    JsonNode echo = app(a.status(), "echo");
    assertEquals(List.of(b.nodeId), replicaNodes(echo, "Echo"), "placed by its custom resource");
    byte[] body = new byte[1 << 20];
    long sum = 0;
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31 + 7);
      sum += body[i] & 0xff;
    }
    for (ClusterNode n : List.of(a, c)) {
      HttpResponse<String> r = n.http.post("/echo", body);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode answer = Http.json(r);
      assertEquals(body.length, answer.get("bytes").asInt());
      assertEquals(sum, answer.get("sum").asLong());
      assertNotEquals(n.nodeId, answer.get("node").asText());
    }
  }

  @Test
  void streamsCrossNodesAsServerSentEvents() throws Exception {
    JsonNode tokens = app(a.status(), "tokens");
    assertEquals(List.of(b.nodeId), replicaNodes(tokens, "Tokens"));
    int n = 2000;  // many credits' worth: the stream is paced by the caller across the event bus
    HttpResponse<String> r = a.http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + a.port + "/tokens/tokens?n=" + n)).header("accept", "text/event-stream"));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    String[] events = r.body().split("\n\n");
    assertEquals(n + 1, events.length, "n items and the end event");
    for (int i = 0; i < n; i++) {
      String[] lines = events[i].split("\n");
      assertEquals("id: " + i, lines[0]);
      JsonNode item = dev.vserve.impl.Json.MAPPER.readTree(lines[1].substring("data: ".length()));
      assertEquals(i, item.get("i").asInt());
      assertEquals(b.nodeId, item.get("node").asText());
    }
    assertEquals("event: end\ndata: ", events[n]);

    HttpResponse<String> broken = a.http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + a.port + "/tokens/broken")).header("accept", "text/event-stream"));
    assertTrue(broken.body().startsWith("id: 0\ndata: a\n\nevent: error\ndata: {"), broken.body());
    assertTrue(broken.body().contains("mid-stream on purpose"), broken.body());
    assertTrue(broken.body().endsWith("event: end\ndata: \n\n"), broken.body());
  }

  static {
    // the child processes read ../cluster.xml relative to the module, as surefire runs them
    assertTrue(new File("../cluster.xml").isFile());
  }
}
