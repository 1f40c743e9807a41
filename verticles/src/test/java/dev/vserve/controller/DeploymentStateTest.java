package dev.vserve.controller;

import dev.vserve.DeploymentConfig;
import dev.vserve.impl.app.DeploymentPlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controller's view of one deployment, driven by the test's own clock (milliseconds passed in). */
class DeploymentStateTest {
  private static DeploymentState state(int replicas) {
    return new DeploymentState(new DeploymentPlan("D", "pkg.D", new DeploymentConfig().setNumReplicas(replicas), new Object[0], Map.of()));
  }

  private static ReplicaRecord replica(String id, String node) {
    return new ReplicaRecord(id, node, List.of());
  }

  @Test
  void missingCountsRunningAndStartingAgainstTheTarget() {
    DeploymentState d = state(3);
    assertEquals(3, d.missing());
    ReplicaRecord a = replica("a", "n1");
    d.starting.add(a);
    assertEquals(2, d.missing());
    d.started(a);
    assertEquals(2, d.missing());
    assertEquals(DeploymentState.Status.UPDATING, d.status());
  }

  @Test
  void failedStartsBackOffDoublingUpToThirtySeconds() {
    DeploymentState d = state(1);
    long now = 1_000_000;
    long[] waits = new long[7];
    for (int i = 0; i < waits.length; i++) {
      ReplicaRecord r = replica("r" + i, "n1");
      d.starting.add(r);
      d.startFailed(r, "boom", now);
      long wait = 0;
      while (!d.mayStart(now + wait)) wait += 1_000;
      waits[i] = wait;
    }
    assertEquals(2_000, waits[0]);
    assertEquals(4_000, waits[1]);
    assertEquals(DeploymentState.MAX_BACKOFF_MS, waits[6]);
    assertEquals(DeploymentState.Status.DEPLOY_FAILED, d.status(), "failed " + DeploymentState.MAX_START_FAILURES + " times in a row");
    assertEquals("boom", d.message());
    // one success clears the trouble and the back-off
    ReplicaRecord ok = replica("ok", "n1");
    d.starting.add(ok);
    d.started(ok);
    assertEquals(DeploymentState.Status.HEALTHY, d.status());
    assertEquals("", d.message());
  }

  @Test
  void anUnhealthyReplicaLeavesTheSetButHoldsItsResourcesUntilStopped() {
    DeploymentState d = state(2);
    ReplicaRecord a = replica("a", "n1");
    ReplicaRecord b = replica("b", "n2");
    d.starting.add(a);
    d.started(a);
    d.starting.add(b);
    d.started(b);
    assertNull(d.markUnhealthy("nope", "x"));
    assertSame(a, d.markUnhealthy("a", "stuck"));
    assertEquals(List.of(b), d.running);
    assertEquals(1, d.missing(), "a replacement is due");
    assertTrue(d.holding().contains(a), "placement still counts it");
    assertEquals(DeploymentState.Status.UNHEALTHY, d.status());
    assertTrue(d.message().contains("stuck"), d.message());
  }

  @Test
  void aNodeThatLeavesTakesItsReplicasWithIt() {
    DeploymentState d = state(3);
    for (String id : List.of("a", "b", "c")) {
      ReplicaRecord r = replica(id, id.equals("c") ? "n2" : "n1");
      d.starting.add(r);
      d.started(r);
    }
    assertEquals(2, d.nodeLeft("n1"));
    assertEquals(2, d.missing());
    assertFalse(d.holding().stream().anyMatch(r -> r.nodeId().equals("n1")));
  }
}
