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
