package dev.vserve;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** autoscaling_config as the config file, Python and Java give it: Ray's names, defaults and errors. */
class AutoscalingConfigTest {
  @Test
  void raysDefaults() {
    AutoscalingConfig c = new AutoscalingConfig();
    assertEquals(1, c.getMinReplicas());
    assertEquals(1, c.getMaxReplicas());
    assertEquals(2.0, c.getTargetOngoingRequests());
    assertEquals(30.0, c.getLookBackPeriodS());
    assertEquals(30.0, c.getUpscaleDelayS());
    assertEquals(600.0, c.getDownscaleDelayS());
    assertEquals("mean", c.getAggregationFunction());
    AutoscalingConfig auto = new DeploymentConfig().apply(Map.of("num_replicas", "auto"), "D").getAutoscalingConfig();
    assertEquals(100, auto.getMaxReplicas(), "num_replicas: auto is 1..100");
  }

  @Test
  void fromAConfigFileMapping() {
    DeploymentConfig d = new DeploymentConfig().apply(Map.of("autoscaling_config", Map.of("min_replicas", 0,
        "max_replicas", 8, "target_ongoing_requests", 10, "upscale_delay_s", 5, "policy", Map.of("policy_function", "pkg.Policy"))), "D");
    AutoscalingConfig c = d.getAutoscalingConfig();
    assertEquals(0, c.getMinReplicas());
    assertEquals(0, c.startingReplicas());
    assertEquals(8, c.getMaxReplicas());
    assertEquals("pkg.Policy", c.getPolicy());
    assertEquals(c, c.copy());
    assertNull(new DeploymentConfig().apply(Map.of("num_replicas", 2), "D").getAutoscalingConfig());
  }

  @Test
  void mistakesAreRefusedNamingTheField() {
    String e1 = assertThrows(IllegalArgumentException.class, () -> new DeploymentConfig()
        .apply(Map.of("autoscaling_config", Map.of("min_replica", 1)), "D")).getMessage();
    assertTrue(e1.contains("unknown setting 'min_replica'"), e1);
    String e2 = assertThrows(IllegalArgumentException.class, () -> new DeploymentConfig()
        .apply(Map.of("autoscaling_config", Map.of("min_replicas", 5, "max_replicas", 2)), "D")).getMessage();
    assertTrue(e2.contains("min_replicas (5) must not exceed max_replicas (2)"), e2);
    String e3 = assertThrows(IllegalArgumentException.class, () -> new DeploymentConfig()
        .apply(Map.of("num_replicas", 2, "autoscaling_config", Map.of()), "D")).getMessage();
    assertTrue(e3.contains("cannot both be set"), e3);
    String e4 = assertThrows(IllegalArgumentException.class, () -> new DeploymentConfig()
        .apply(Map.of("autoscaling_config", Map.of("aggregation_function", "median")), "D")).getMessage();
    assertTrue(e4.contains("mean, max or min"), e4);
  }

  @Deployment(autoscaling = @Autoscaling(minReplicas = 0, maxReplicas = 4, upscaleDelayS = 1))
  static class Annotated {}

  @Test
  void fromTheAnnotation() {
    AutoscalingConfig c = DeploymentConfig.of(Annotated.class).getAutoscalingConfig();
    assertEquals(0, c.getMinReplicas());
    assertEquals(4, c.getMaxReplicas());
    assertEquals(1.0, c.getUpscaleDelayS());
    assertNull(c.getDownscaleToZeroDelayS());
  }
}
