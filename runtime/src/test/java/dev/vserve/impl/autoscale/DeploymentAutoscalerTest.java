package dev.vserve.impl.autoscale;

import dev.vserve.AutoscalingConfig;
import dev.vserve.AutoscalingContext;
import dev.vserve.AutoscalingPolicy;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ray's default policy and rules on a fake clock: one call of {@link #tick} is one 100 ms control-loop tick. */
class DeploymentAutoscalerTest {
  private long now = 1_000_000;
  private int target;
  private int current;

  private static AutoscalingConfig config() {
    return new AutoscalingConfig().setMinReplicas(1).setMaxReplicas(10).setTargetOngoingRequests(2)
        .setUpscaleDelayS(1).setDownscaleDelayS(3).setLookBackPeriodS(0.5);
  }

  /** Replicas come up at once here: the current count follows the target. */
  private void tick(DeploymentAutoscaler a, double load) {
    now += ScalingRules.TICK_MS;
    Map<String, Double> perReplica = new HashMap<>();
    for (int i = 0; i < current; i++) perReplica.put("r" + i, load / Math.max(1, current));
    a.observe(now, load, 0, perReplica);
    target = a.decide(now, current, target);
    current = target;
  }

  @Test
  void scalesUpOnlyAfterTheUpscaleDelayThenToWhatKeepsEachReplicaAtTheTarget() {
    DeploymentAutoscaler a = new DeploymentAutoscaler("app", "D", config());
    target = current = 1;
    for (int i = 0; i < 10; i++) {
      tick(a, 10);
      assertEquals(1, target, "still inside the 1 s upscale delay at tick " + i);
    }
    tick(a, 10);
    assertEquals(5, target, "10 ongoing requests / 2 per replica");
  }

  @Test
  void neverLeavesTheBounds() {
    DeploymentAutoscaler a = new DeploymentAutoscaler("app", "D", config().setMaxReplicas(3));
    target = current = 1;
    for (int i = 0; i < 50; i++) tick(a, 1000);
    assertEquals(3, target);
    for (int i = 0; i < 100; i++) tick(a, 0);
    assertEquals(1, target, "min_replicas is the floor");
  }

  @Test
  void aSteadyLoadNeverFlapsEvenWhenItJittersAroundABoundary() {
    DeploymentAutoscaler a = new DeploymentAutoscaler("app", "D", config().setLookBackPeriodS(2));
    target = current = 4;
    int changes = 0;
    int last = target;
    for (int i = 0; i < 600; i++) {
      // 8 ongoing requests (4 replicas' worth) with +-1 of noise, every tick
      tick(a, 8 + ((i * 7919) % 3) - 1);
      if (target != last) changes++;
      last = target;
    }
    assertEquals(4, target);
    assertEquals(0, changes, "a minute of steady load changed the replica count");
  }

  @Test
  void scalesDownAfterTheDownscaleDelayAndToZeroAfterItsOwnDelay() {
    DeploymentAutoscaler a = new DeploymentAutoscaler("app", "D",
        config().setMinReplicas(0).setDownscaleToZeroDelayS(5.0));
    target = current = 4;
    for (int i = 0; i < 30; i++) tick(a, 2);
    assertEquals(4, target, "inside the 3 s downscale delay");
    for (int i = 0; i < 10; i++) tick(a, 2);
    assertEquals(1, target, "2 ongoing requests need one replica");
    for (int i = 0; i < 40; i++) tick(a, 0);
    assertEquals(1, target, "the last replica waits downscale_to_zero_delay_s, not downscale_delay_s");
    for (int i = 0; i < 20; i++) tick(a, 0);
    assertEquals(0, target);
  }

  @Test
  void fromZeroARequestScalesUpAtOnce() {
    DeploymentAutoscaler a = new DeploymentAutoscaler("app", "D", config().setMinReplicas(0).setUpscaleDelayS(30));
    target = current = 0;
    tick(a, 0);
    assertEquals(0, target);
    now += 1;
    a.observe(now, 0, 1, Map.of());
    assertEquals(1, a.decide(now, 0, 0), "one waiting request brings the first replica without the upscale delay");
  }

  @Test
  void aPolicyAnswerGoesThroughTheRulesAndGarbageKeepsTheSize() {
    DeploymentAutoscaler a = new DeploymentAutoscaler("app", "D", config().setUpscaleDelayS(0).setMaxReplicas(6));
    AutoscalingContext ctx = a.context(now, 2, 2);
    assertEquals(6, a.apply(ctx, new AutoscalingPolicy.Decision(40, Map.of("seen", 1))), "bounded by max_replicas");
    assertEquals(Map.of("seen", 1), a.context(now, 6, 6).policyState(), "the state comes back at the next tick");
    assertEquals(2, a.apply(ctx, AutoscalingPolicy.Decision.of(Double.NaN)));
    assertEquals(2, a.apply(ctx, AutoscalingPolicy.Decision.of(-3)));
    assertEquals(2, a.apply(ctx, null));
  }

  @Test
  void theContextAggregatesTheWindowWithTheConfiguredFunction() {
    DeploymentAutoscaler a = new DeploymentAutoscaler("app", "D", config().setLookBackPeriodS(1).setAggregationFunction("max"));
    a.observe(now, 4, 0, Map.of("r0", 4.0));
    a.observe(now + 100, 10, 2, Map.of("r0", 10.0));
    a.observe(now + 200, 6, 0, Map.of("r0", 6.0));
    a.observeStats(now + 200, "r0", Map.of("gpu_util", 0.5));
    AutoscalingContext ctx = a.context(now + 300, 1, 1);
    assertEquals(10, ctx.totalNumRequests());
    assertEquals(10, ctx.aggregatedMetrics().get(AutoscalingContext.ONGOING_REQUESTS).get("r0"));
    assertEquals(0.5, ctx.aggregatedMetrics().get("gpu_util").get("r0"));
    assertEquals(3, ctx.rawMetrics().get(AutoscalingContext.ONGOING_REQUESTS).get("r0").size());
    AutoscalingContext later = a.context(now + 1250, 1, 1);
    assertTrue(later.totalNumRequests() <= 6, "samples older than the look-back period drop out: " + later.totalNumRequests());
  }

  @Test
  void scalingFactorsDampTheStepAndAStepDownOfLessThanOneStillTakesOne() {
    AutoscalingConfig c = config().setUpscalingFactor(0.5).setDownscalingFactor(0.1);
    assertEquals(6, ScalingRules.scale(10, 2, c), "half of the way from 2 to 10");
    assertEquals(9, ScalingRules.scale(1, 10, c), "a tenth of 9 rounds to no step; one is taken anyway");
  }
}
