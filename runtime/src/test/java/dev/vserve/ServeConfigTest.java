package dev.vserve;

import dev.vserve.impl.app.ApplicationPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serve config files in Ray Serve's shape, and per-deployment overrides applied to a plan. */
class ServeConfigTest {
  public static class Leaf {}

  public static class Root {
    public Root(DeploymentHandle a, DeploymentHandle b) {}
  }

  @Test
  void readsRayServeShapedYaml(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("serve.yaml");
    Files.writeString(file, """
        http_options:
          host: 127.0.0.1
          port: 8123
        applications:
          - name: math
            route_prefix: /math
            import_path: dev.vserve.examples.Composition
            deployments:
              - name: Adder
                num_replicas: 2
                ray_actor_options:
                  num_cpus: 0.5
          - import_path: other.App:app
        """);
    ServeConfig c = ServeConfig.load(file);
    assertEquals(8123, c.options().getHttpPort());
    assertEquals(2, c.applications().size());
    ServeConfig.AppConfig math = c.applications().get(0);
    assertEquals("math", math.name());
    assertEquals("/math", math.routePrefix());
    assertEquals(2, ((Number) math.deployments().get("Adder").get("num_replicas")).intValue());
    assertEquals("other.App:app", c.applications().get(1).importPath(), "Ray's module:attr, resolved when the application is loaded");
    assertEquals("app1", c.applications().get(1).name());
  }

  @Test
  void negativePortMeansNoPortOfItsOwn() {
    ServeConfig c = ServeConfig.from(Map.of("http_options", Map.of("port", -1)));
    assertFalse(c.options().isHttpEnabled());
  }

  @Test
  void overridesApplyByDeploymentNameWithClearErrors() {
    ApplicationPlan plan = ApplicationPlan.of(Application.bind(Root.class, Application.bind(Leaf.class), Application.bind(Leaf.class)), "app", "/");
    ApplicationPlan changed = plan.withOverrides(Map.of("Leaf_1", Map.of("num_replicas", 3, "ray_actor_options", Map.of("num_gpus", 0.5))));
    assertEquals(3, changed.deployment("Leaf_1").config().getNumReplicas());
    assertEquals(0.5, changed.deployment("Leaf_1").config().getNumGpus());
    assertEquals(1, changed.deployment("Leaf").config().getNumReplicas());

    IllegalArgumentException noSuch = assertThrows(IllegalArgumentException.class,
        () -> plan.withOverrides(Map.of("Leef", Map.of("num_replicas", 2))));
    assertTrue(noSuch.getMessage().contains("no deployment 'Leef'") && noSuch.getMessage().contains("Leaf_1"), noSuch.getMessage());
    IllegalArgumentException badKey = assertThrows(IllegalArgumentException.class,
        () -> plan.withOverrides(Map.of("Leaf", Map.of("num_replica", 2))));
    assertTrue(badKey.getMessage().contains("unknown setting 'num_replica'"), badKey.getMessage());
    IllegalArgumentException badValue = assertThrows(IllegalArgumentException.class,
        () -> plan.withOverrides(Map.of("Leaf", Map.of("max_ongoing_requests", 0))));
    assertTrue(badValue.getMessage().contains("maxOngoingRequests must be >= 1"), badValue.getMessage());
  }

  @Test
  void anApplicationWithoutImportPathIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServeConfig.from(Map.of("applications", java.util.List.of(Map.of("name", "x")))));
    assertTrue(e.getMessage().contains("applications[0] needs an import_path"), e.getMessage());
  }

  /** Broken files from the hardening review: each refused before anything starts, naming the key. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "applications: [{import_path: a.B, num_replicas: 2}]                              | 'applications[0].num_replicas'",
      "{unknown: 1}                                                                     | 'unknown'",
      "http_options: {port: 'abc'}                                                      | http_options.port",
      "http_options: {port: 70000}                                                      | http_options.port",
      "http_options: {port: 1.5}                                                        | http_options.port",
      "http_options: {request_timeout_s: -1}                                            | http_options.request_timeout_s",
      "http_options: {request_timeout_s: 'soon'}                                        | http_options.request_timeout_s",
      "http_options: {max_request_body_bytes: -5}                                       | http_options.max_request_body_bytes",
      "http_options: {hots: x}                                                          | http_options.hots",
      "http_options: 5                                                                  | http_options must be a mapping",
      "applications: 5                                                                  | applications must be a list",
      "applications: [{import_path: a.B, deployments: 5}]                               | applications[0].deployments must be a list",
      "applications: [{import_path: a.B, deployments: [{name: X, num_replicas: 1.5}]}]  | num_replicas must be a whole number",
      "applications: [{import_path: a.B, deployments: [{name: X, num_replicas: 100000}]}] | numReplicas must be <= 1024",
      "applications: [{import_path: a.B, deployments: [{name: X, num_replicas: '2'}]}]  | num_replicas must be a number",
      "applications: [{import_path: a.B, deployments: [{name: X, graceful_shutdown_timeout_s: -1}]}] | gracefulShutdownTimeoutS",
      "applications: [{import_path: a.B, deployments: [{name: X, ray_actor_options: 3}]}] | ray_actor_options must be a mapping",
      "applications: [{import_path: a.B, deployments: [{name: X}, {name: X}]}]          | listed twice",
      "applications: [{import_path: a.B, name: x}, {import_path: c.D, name: x, route_prefix: /y}] | application 'x' is listed twice",
      "applications: [{import_path: a.B, route_prefix: api}]                            | must start with '/'",
      "applications: [{import_path: a.B, route_prefix: 5}]                             | route_prefix must be a string",
      "applications: [{import_path: a.B}, {import_path: c.D}]                           | route_prefix '/' is used by another",
      "proxy_location: HeadOnly                                                         | proxy_location",
  })
  void brokenConfigFilesAreRefusedNamingTheKey(String yaml, String expected, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("serve.yaml");
    Files.writeString(file, yaml);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServeConfig.load(file));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void trailingGarbageAndDuplicateKeysAreRefused(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("serve.json");
    Files.writeString(json, "{\"applications\": []} garbage");
    assertThrows(java.io.UncheckedIOException.class, () -> ServeConfig.load(json));
    Path dup = dir.resolve("dup.yaml");
    Files.writeString(dup, "http_options: {port: 1}\nhttp_options: {port: 2}\n");
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> ServeConfig.load(dup));
    assertTrue(e.getMessage().contains("http_options"), e.getMessage());
  }

  @Test
  void httpOptionsAreAllRead() {
    ServeConfig c = ServeConfig.from(Map.of("http_options", Map.of("request_timeout_s", 2.5, "keep_alive_timeout_s", 7,
        "body_timeout_s", 9, "max_request_body_bytes", 1024)));
    assertEquals(2500, c.options().getRequestTimeoutMs());
    assertEquals(7000, c.options().getHeaderTimeoutMs());
    assertEquals(9000, c.options().getBodyTimeoutMs());
    assertEquals(1024, c.options().getMaxRequestBodyBytes());
  }
}
