package dev.vserve.controller;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Serve;
import dev.vserve.impl.app.ApplicationPlan;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which redeploys reconfigure in place: those that change user_config and nothing else. */
class UserConfigUpdateTest {
  @Deployment
  public static class A {
    public A(Object ignored) {
    }
  }

  @Deployment
  public static class B {
  }

  private static ApplicationPlan plan(Object userConfig, int replicas, Object arg) {
    Application app = Serve.deployment(A.class).options(c -> c.setUserConfig(userConfig).setNumReplicas(replicas)).bind(arg);
    return ApplicationPlan.of(app, "app", "/");
  }

  @Test
  void onlyAChangedUserConfigIsAnInPlaceUpdate() {
    assertEquals(Map.of("A", Map.of("k", 2)), UserConfigUpdate.changes(plan(Map.of("k", 1), 1, "x"), plan(Map.of("k", 2), 1, "x")));
  }

  @Test
  void anyOtherChangeOrNoneIsNot() {
    assertNull(UserConfigUpdate.changes(plan(Map.of("k", 1), 1, "x"), plan(Map.of("k", 1), 1, "x")), "nothing changed");
    assertNull(UserConfigUpdate.changes(plan(Map.of("k", 1), 1, "x"), plan(Map.of("k", 2), 2, "x")), "replicas too");
    assertNull(UserConfigUpdate.changes(plan(Map.of("k", 1), 1, "x"), plan(Map.of("k", 2), 1, "y")), "arguments too");
    assertNull(UserConfigUpdate.changes(plan(Map.of("k", 1), 1, "x"),
        ApplicationPlan.of(Application.bind(B.class), "app", "/")), "other code");
  }
}
