package dev.vserve.controller;

import dev.vserve.Application;
import dev.vserve.AutoscalingConfig;
import dev.vserve.Deployment;
import dev.vserve.DeploymentConfig;
import dev.vserve.Serve;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ray's redeploy rules: settings in place, code (or arguments, or resources) replaced. */
class RedeployTest {
  @Deployment
  public static class A {
    public A(Object ignored) {
    }
  }

  @Deployment
  public static class B {
  }

  private static DeploymentPlan plan(UnaryOperator<DeploymentConfig> options, Object arg) {
    Application app = Serve.deployment(A.class).options(options::apply).bind(arg);
    return ApplicationPlan.of(app, "app", "/").deployments().get(0);
  }

  @Test
  void settingsChangeInPlace() {
    DeploymentPlan base = plan(c -> c, "x");
    assertEquals(Redeploy.Change.NONE, Redeploy.compare(base, plan(c -> c, "x")));
    assertEquals(Redeploy.Change.IN_PLACE, Redeploy.compare(base, plan(c -> c.setNumReplicas(3), "x")));
    assertEquals(Redeploy.Change.IN_PLACE, Redeploy.compare(base, plan(c -> c.setUserConfig(Map.of("k", 1)), "x")));
    assertEquals(Redeploy.Change.IN_PLACE, Redeploy.compare(base, plan(c -> c.setMaxOngoingRequests(9), "x")));
    assertEquals(Redeploy.Change.IN_PLACE, Redeploy.compare(base, plan(c -> c.setAutoscalingConfig(new AutoscalingConfig()), "x")));
  }

  @Test
  void codeArgumentsAndResourcesReplace() {
    DeploymentPlan base = plan(c -> c, "x");
    assertEquals(Redeploy.Change.REPLACE, Redeploy.compare(base, plan(c -> c, "y")), "another argument");
    assertEquals(Redeploy.Change.REPLACE, Redeploy.compare(base, plan(c -> c.setNumCpus(2), "x")), "another demand");
    DeploymentPlan other = ApplicationPlan.of(Application.bind(B.class), "app", "/").deployments().get(0);
    assertEquals(Redeploy.Change.REPLACE, Redeploy.compare(base, new DeploymentPlan(base.name(), other.code(), base.config(),
        base.initArgs(), base.initKwargs())), "other code");
  }

  @Test
  void onlyReplicaSettingsGoToTheReplicas() {
    DeploymentConfig c = new DeploymentConfig();
    assertFalse(Redeploy.replicasAffected(c, c.copy().setNumReplicas(4)), "the count is the controller's");
    assertFalse(Redeploy.replicasAffected(c, c.copy().setAutoscalingConfig(new AutoscalingConfig())));
    assertTrue(Redeploy.replicasAffected(c, c.copy().setUserConfig("v")));
    assertTrue(Redeploy.replicasAffected(c, c.copy().setHealthCheckPeriodS(1)));
  }

  @Test
  void anAutoscaledTargetKeepsItsCountWithinTheNewBounds() {
    DeploymentState d = new DeploymentState(plan(c -> c.setAutoscalingConfig(new AutoscalingConfig().setMaxReplicas(10)), "x"));
    d.target = 7;
    assertEquals(7, Redeploy.target(d, new DeploymentConfig().setAutoscalingConfig(new AutoscalingConfig().setMaxReplicas(8))));
    assertEquals(5, Redeploy.target(d, new DeploymentConfig().setAutoscalingConfig(new AutoscalingConfig().setMaxReplicas(5))));
    assertEquals(2, Redeploy.target(d, new DeploymentConfig().setNumReplicas(2)), "a fixed count again");
  }
}
