package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ray's {@code user_config}: each replica gets it through {@code reconfigure(config)} right after construction. */
class ReconfigureTest {
  /** The settings as the deployment's own type: the JSON config is converted to the parameter. */
  public record Settings(double threshold, String label) {}

  @Deployment(numReplicas = 2)
  public static class Thresholded {
    volatile Settings settings = new Settings(-1, "unset");

    public void reconfigure(Settings s) {
      settings = s;
    }

    @Get("/settings")
    public Settings settings() {
      return settings;
    }
  }

  @Deployment
  public static class NoReconfigure {
    @Get("/")
    public String hello() {
      return "hello";
    }
  }

  static ServeNode node;

  @BeforeAll
  static void start() {
    node = Nodes.start();
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  @Test
  void everyReplicaIsReconfiguredWithTheUserConfigBeforeItServes() {
    Nodes.deploy(node, Serve.deployment(Thresholded.class)
        .options(c -> c.setUserConfig(Map.of("threshold", 0.75, "label", "strict"))).bind(), "configured", "/configured");
    Http http = new Http(node.httpPort());
    for (int i = 0; i < 6; i++) {
      assertEquals("{\"threshold\":0.75,\"label\":\"strict\"}", http.get("/configured/settings").body(), "each replica");
    }
  }

  @Test
  void redeployingWithOnlyANewUserConfigReconfiguresTheRunningReplicasInPlace() {
    Http http = new Http(node.httpPort());
    Nodes.deploy(node, Serve.deployment(Thresholded.class)
        .options(c -> c.setUserConfig(Map.of("threshold", 0.1, "label", "loose"))).bind(), "live", "/live");
    java.util.Set<String> before = replicaIds(http, "live");
    assertEquals(2, before.size());
    Nodes.deploy(node, Serve.deployment(Thresholded.class)
        .options(c -> c.setUserConfig(Map.of("threshold", 0.9, "label", "strict"))).bind(), "live", "/live");
    for (int i = 0; i < 6; i++) {
      assertEquals("{\"threshold\":0.9,\"label\":\"strict\"}", http.get("/live/settings").body(), "each replica, reconfigured");
    }
    assertEquals(before, replicaIds(http, "live"), "the same replicas: reconfigured, not restarted");
    // fewer replicas and a new user_config: still in place (Ray's lightweight update), one replica retired
    Nodes.deploy(node, Serve.deployment(Thresholded.class).options(c -> c.setNumReplicas(1)
        .setUserConfig(Map.of("threshold", 0.5, "label", "one"))).bind(), "live", "/live");
    java.util.Set<String> after = replicaIds(http, "live");
    assertEquals(1, after.size());
    assertTrue(before.containsAll(after), "kept, not restarted: " + before + " then " + after);
    assertEquals("{\"threshold\":0.5,\"label\":\"one\"}", http.get("/live/settings").body());
    // a change of what a replica needs replaces it (rolling: the new one is up before the old one goes)
    Nodes.deploy(node, Serve.deployment(Thresholded.class).options(c -> c.setNumReplicas(1).setNumCpus(0.5)
        .setUserConfig(Map.of("threshold", 0.5, "label", "one"))).bind(), "live", "/live");
    java.util.Set<String> replaced = replicaIds(http, "live");
    assertEquals(1, replaced.size());
    assertTrue(java.util.Collections.disjoint(after, replaced), "replaced: " + after + " then " + replaced);
  }

  private static java.util.Set<String> replicaIds(Http http, String app) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (var a : Http.json(http.get("/-/status")).get("applications")) {
      if (!a.get("name").asText().equals(app)) continue;
      for (var d : a.get("deployments")) {
        for (var r : d.get("replicas")) if (r.get("state").asText().equals("RUNNING")) ids.add(r.get("id").asText());
      }
    }
    return ids;
  }

  @Test
  void withoutUserConfigReconfigureIsNotCalled() {
    Nodes.deploy(node, Application.bind(Thresholded.class), "plain", "/plain");
    assertEquals("{\"threshold\":-1.0,\"label\":\"unset\"}", new Http(node.httpPort()).get("/plain/settings").body());
  }

  @Test
  void aUserConfigWithoutReconfigureFailsTheDeployNamingIt() {
    RuntimeException e = assertThrows(RuntimeException.class, () -> Nodes.deploy(node, Serve.deployment(NoReconfigure.class)
        .options(c -> c.setUserConfig(Map.of("x", 1))).bind(), "unconfigurable", "/unconfigurable"));
    assertTrue(e.getMessage().contains("user_config is set, and reconfigure(config) failed"), e.getMessage());
  }
}
