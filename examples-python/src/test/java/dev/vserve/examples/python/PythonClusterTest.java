package dev.vserve.examples.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.ClusterNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Python applications on a cluster of two node JVMs: node B reads the files and deploys them; the
 * controller places their replicas on both nodes (each deployment reserves a CPU), so Python replicas
 * run on a node that never saw the launcher's command, and calls between Python and Java cross the
 * clustered event bus as JSON.
 */
class PythonClusterTest {
  static ClusterNode a;
  static ClusterNode b;
  static Path traces;

  @BeforeAll
  static void start() throws Exception {
    Path config = Files.createTempFile("vserve-python-cluster", ".yaml");
    Files.writeString(config, """
        applications:
          - {name: composition, route_prefix: /composition, import_path: composition.py}
          - {name: mixed, route_prefix: /mixed, import_path: mixed.py}
          - {name: pickles, route_prefix: /pickles, import_path: src/test/python/pickles.py}
          - {name: elastic, route_prefix: /elastic, import_path: elastic.py}
        """);
    traces = Files.createTempDirectory("vserve-traces");
    a = ClusterNode.start("start", "--num-cpus", "4", "--resources", "{\"side-a\": 2}", "--tracing", "file", "--tracing-file", traces.resolve("a.jsonl").toString());
    b = ClusterNode.start("run", config.toString(), "--num-cpus", "3", "--resources", "{\"side-b\": 2}", "--tracing", "file", "--tracing-file", traces.resolve("b.jsonl").toString());
    b.awaitOutput("application 'elastic'", Duration.ofSeconds(100));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    ClusterNode.killAll(a, b);
  }

  /**
   * The policy is a function of the app's file, run by the controller (node A, which never read the
   * file for the launcher); it asks for two replicas once the replicas' record_autoscaling_stats()
   * figures reach it.
   */
  @Test
  void aPythonPolicyFunctionScalesTheDeploymentOnTheReplicasOwnFigures() {
    Poll.until("the Python policy's two replicas", Duration.ofSeconds(60), () -> {
      for (JsonNode app : a.status().get("applications")) {
        if (!app.get("name").asText().equals("elastic")) continue;
        JsonNode d = app.get("deployments").get(0);
        return d.get("target_replicas").asInt() == 2 && d.get("replicas").size() == 2;
      }
      return false;
    });
    assertEquals(200, b.http.get("/elastic").statusCode());
  }

  /** An object of the app's own class crosses from node B's deployment to node A's and back, pickled. */
  @Test
  void pythonObjectsCrossNodesPickledAsRayPassesThem() {
    java.net.http.HttpResponse<String> r = b.http.get("/pickles");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode got = dev.vserve.testing.Http.json(r);
    assertEquals("Point", got.get("type").asText(), got.toString());
    assertEquals(100.0, got.get("norm2").asDouble(), got.toString());
    assertEquals(b.nodeId, got.get("front").asText(), "the caller on B: " + got);
    assertEquals(a.nodeId, got.get("geometry").asText(), "the callee on A: " + got);
  }

  /** The Python ingress's handle calls (made after an await) join the request's trace. */
  @Test
  void aPythonCompositionsHandleCallsJoinTheRequestsTrace() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    java.net.http.HttpResponse<String> r = a.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + a.port + "/composition"))
        .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01").header("content-type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"val\": 1}")));
    assertEquals(200, r.statusCode(), r.body());
    java.util.List<String> names = new java.util.ArrayList<>();
    Poll.until("the Adders' and the Combiner's spans in the trace", Duration.ofSeconds(30), () -> {
      names.clear();
      for (String f : java.util.List.of("a.jsonl", "b.jsonl")) {
        try {
          if (!Files.exists(traces.resolve(f))) continue;
          for (String line : Files.readAllLines(traces.resolve(f))) if (line.contains(trace)) names.add(line.replaceAll(".*\"name\":\"([^\"]+)\".*", "$1"));
        } catch (java.io.IOException e) {
          return false;
        }
      }
      return names.stream().filter(n -> n.equals("replica_handle_request")).count() >= 4;
    });
    assertEquals(3, names.stream().filter(n -> n.equals("route_to_replica")).count(), "Adder, Adder_1, Combiner: " + names);
  }

  @Test
  void pythonReplicasRunOnBothNodesAndAnswerThroughEitherProxy() {
    Set<String> nodes = new HashSet<>();
    for (JsonNode app : a.status().get("applications")) {
      if (app.get("name").asText().equals("elastic")) continue;
      assertEquals("RUNNING", app.get("status").asText(), app.toString());
      for (JsonNode d : app.get("deployments")) for (JsonNode r : d.get("replicas")) nodes.add(r.get("node").asText());
    }
    assertEquals(Set.of(a.nodeId, b.nodeId), nodes, "7 one-CPU deployments on 4 + 3 CPUs use both nodes");
    for (ClusterNode n : new ClusterNode[] {a, b}) {
      Poll.until("node " + n.nodeId + " to route both applications", Duration.ofSeconds(30),
          () -> n.http.post("/mixed", "{\"val\": 10}").statusCode() == 200);
      assertEquals(101.5, Http.json(n.http.post("/composition", "{\"val\": 100.0}")).get("result").asDouble());
      JsonNode mixed = Http.json(n.http.post("/mixed", "{\"val\": 10}"));
      assertEquals(11.0, mixed.get("sum").asDouble());
      assertEquals(33.0, mixed.get("scaled").asDouble());
    }
    // a Python error from a replica on another node keeps its type, file and line
    JsonNode e = Http.json(a.http.post("/composition", "{\"other\": 1}"));
    assertEquals("KeyError", e.get("error").asText());
    assertTrue(e.get("message").asText().contains("composition.py:"), e.toString());
  }
}
