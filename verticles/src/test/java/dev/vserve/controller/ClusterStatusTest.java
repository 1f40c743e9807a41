package dev.vserve.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.Application;
import dev.vserve.impl.Json;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.cluster.NodeInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status the controller answers, as JSON (what /-/status shows) and read back as vserve status reads it. */
class ClusterStatusTest {
  public static class Leaf {}

  @Test
  void theJsonKeepsRaysNamesAndReadsBackIntoTheSameRecords() throws Exception {
    ApplicationState app = new ApplicationState(ApplicationPlan.of(Application.bind(Leaf.class), "app", "/a"));
    app.status = ApplicationState.Status.RUNNING;
    DeploymentState d = app.deployments.get("Leaf");
    ReplicaRecord r = new ReplicaRecord("app#Leaf#1", "node-1", List.of(0));
    d.starting.add(r);
    d.started(r);
    NodeInfo n = new NodeInfo("node-1", "127.0.0.1", 8000, Map.of("CPU", 2.0), true, 1L);
    ClusterStatus s = ClusterStatus.of("node-1", 42, List.of(n), List.of(app));

    JsonNode json = Json.MAPPER.readTree(Json.encode(s));
    assertEquals("node-1", json.get("controller").get("node").asText());
    assertEquals(42, json.get("controller").get("since_ms").asLong());
    JsonNode dep = json.get("applications").get(0).get("deployments").get(0);
    assertEquals("/a", json.get("applications").get(0).get("route_prefix").asText());
    assertEquals("HEALTHY", dep.get("status").asText());
    assertEquals(1, dep.get("target_replicas").asInt());
    assertEquals("RUNNING", dep.get("replicas").get(0).get("state").asText());
    assertEquals(1, json.get("nodes").get(0).get("replicas").asInt());

    ClusterStatus back = Json.MAPPER.readValue(Json.encode(s), ClusterStatus.class);
    assertEquals(s, back);
    assertEquals(1, back.applications().get(0).deployments().get(0).running());
  }
}
