package dev.vserve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Custom policies on one node: an application-level one deciding for two deployments, and broken ones ignored. */
class AutoscalingPolicyTest {
  static ServeNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    http = new Http(node.httpPort());
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  /** Scales a two-stage pipeline together: the back stage gets twice the front's count. */
  public static class Proportional implements AutoscalingPolicy.ForApplication {
    @Override
    public Map<String, AutoscalingPolicy.Decision> decide(Map<String, AutoscalingContext> contexts) {
      return Map.of("Front", AutoscalingPolicy.Decision.of(1),
          "Back", AutoscalingPolicy.Decision.of(2 * contexts.get("Front").targetNumReplicas() + 1));
    }
  }

  @Deployment(numCpus = 0, autoscaling = @Autoscaling(minReplicas = 1, maxReplicas = 4, upscaleDelayS = 0))
  public static class Back {
    public String where() {
      return ReplicaContext.current().replicaId();
    }
  }

  @Deployment(numCpus = 0, autoscaling = @Autoscaling(minReplicas = 1, maxReplicas = 4, upscaleDelayS = 0))
  public static class Front {
    private final DeploymentHandle back;

    public Front(DeploymentHandle back) {
      this.back = back;
    }

    public String call(Request r) {
      return back.method("where").remote().as(String.class).await();
    }
  }

  static final AtomicInteger THROWN = new AtomicInteger();

  public static class Throws implements AutoscalingPolicy {
    @Override
    public Decision decide(AutoscalingContext ctx) {
      THROWN.incrementAndGet();
      throw new IllegalStateException("policy bug");
    }
  }

  public static class Garbage implements AutoscalingPolicy {
    @Override
    public Decision decide(AutoscalingContext ctx) {
      return Decision.of(Double.NaN);
    }
  }

  @Deployment(numCpus = 0, autoscaling = @Autoscaling(minReplicas = 2, maxReplicas = 4, upscaleDelayS = 0, downscaleDelayS = 0,
      policy = Throws.class))
  public static class Broken {
    public String call(Request r) {
      return "ok";
    }
  }

  @Deployment(numCpus = 0, autoscaling = @Autoscaling(minReplicas = 2, maxReplicas = 4, upscaleDelayS = 0, downscaleDelayS = 0,
      policy = Garbage.class))
  public static class Nonsense {
    public String call(Request r) {
      return "ok";
    }
  }

  private static JsonNode deployment(String app, String name) {
    for (JsonNode a : Http.json(http.get("/-/status")).get("applications")) {
      if (!a.get("name").asText().equals(app)) continue;
      for (JsonNode d : a.get("deployments")) if (d.get("name").asText().equals(name)) return d;
    }
    throw new AssertionError("no " + app + "/" + name);
  }

  @Test
  void anApplicationPolicyDecidesForAllItsDeploymentsAtOnce() {
    Application app = Application.bind(Front.class, Application.bind(Back.class)).withAutoscalingPolicy(Proportional.class);
    Nodes.deploy(node, app, "pipeline", "/pipeline");
    Poll.until("Back at 2 x Front + 1 = 3", Duration.ofSeconds(20), () -> deployment("pipeline", "Back").get("replicas").size() == 3);
    assertEquals(1, deployment("pipeline", "Front").get("target_replicas").asInt());
    assertEquals(200, http.get("/pipeline").statusCode());
  }

  @Test
  void aPolicyThatThrowsOrAnswersGarbageLeavesTheSizeAlone() {
    Nodes.deploy(node, Application.bind(Broken.class), "broken", "/broken");
    Nodes.deploy(node, Application.bind(Nonsense.class), "nonsense", "/nonsense");
    Poll.until("the broken policy to be called", Duration.ofSeconds(10), () -> THROWN.get() > 5);
    int seen = THROWN.get();
    // ten more ticks in which a bad answer could have changed something
    Poll.until("ten more ticks", Duration.ofSeconds(10), () -> THROWN.get() > seen + 10);
    for (String[] d : new String[][] {{"broken", "Broken"}, {"nonsense", "Nonsense"}}) {
      JsonNode dep = deployment(d[0], d[1]);
      assertEquals(2, dep.get("target_replicas").asInt(), dep.toString());
      assertEquals(2, dep.get("replicas").size(), dep.toString());
    }
    assertTrue(http.get("/broken").body().contains("ok"));
  }
}
