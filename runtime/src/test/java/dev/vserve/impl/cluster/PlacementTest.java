package dev.vserve.impl.cluster;

import dev.vserve.DeploymentConfig;
import dev.vserve.RequestRouter;
import dev.vserve.impl.app.HandleRef;
import dev.vserve.impl.Json;
import dev.vserve.impl.router.PowerOfTwoChoices;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest {
  private static NodeInfo node(String id, long started, double cpus, double gpus, Map<String, Double> custom) {
    Map<String, Double> r = new java.util.TreeMap<>(custom);
    r.put(NodeInfo.CPU, cpus);
    r.put(NodeInfo.GPU, gpus);
    r.put(NodeInfo.MEMORY, 1e9);
    return new NodeInfo(id, "127.0.0.1", 8000, r, true, started);
  }

  private static Placement.Demand demand(double cpus, double gpus) {
    return Placement.Demand.of(new DeploymentConfig().setNumCpus(cpus).setNumGpus(gpus));
  }

  @Test
  void fractionalGpuSharesPackOntoOneGpuAndWholeOnesTakeFreeGpus() {
    Placement p = new Placement(List.of(node("cpu", 1, 8, 0, Map.of()), node("gpu", 2, 8, 2, Map.of())));
    Placement.Slot first = p.place("app/half", demand(0, 0.5));
    Placement.Slot second = p.place("app/half", demand(0, 0.5));
    assertEquals(new Placement.Slot("gpu", List.of(0)), first);
    assertEquals(new Placement.Slot("gpu", List.of(0)), second, "the second half shares GPU 0 rather than opening GPU 1");
    assertEquals(new Placement.Slot("gpu", List.of(1)), p.place("app/whole", demand(0, 1)));
    assertNull(p.place("app/whole", demand(0, 1)), "both GPUs are taken");
    assertTrue(p.explain(demand(0, 1)).contains("needs {GPU 1}"), p.explain(demand(0, 1)));
  }

  @Test
  void replicasOfOneDeploymentSpreadAndCpusAreNeverOverbooked() {
    Placement p = new Placement(List.of(node("a", 1, 2, 0, Map.of()), node("b", 2, 2, 0, Map.of())));
    String first = p.place("app/d", demand(1, 0)).nodeId();
    String second = p.place("app/d", demand(1, 0)).nodeId();
    assertNotEquals(first, second);
    p.place("app/e", demand(1, 0));
    p.place("app/e", demand(1, 0));
    assertNull(p.place("app/e", demand(1, 0)), "four CPUs, four replicas placed");
    assertTrue(p.explain(demand(1, 0)).contains("a {CPU 0"), p.explain(demand(1, 0)));
  }

  @Test
  void customResourcesAndExistingReplicasCount() {
    Placement p = new Placement(List.of(node("a", 1, 4, 0, Map.of()), node("b", 2, 4, 0, Map.of("tpu", 1.0))));
    Placement.Demand tpu = Placement.Demand.of(new DeploymentConfig().setNumCpus(0).setResources(Map.of("tpu", 1.0)));
    p.reserve("b", "app/x", tpu, List.of());
    assertNull(p.place("app/y", tpu), "b's one tpu is reserved by a running replica");
  }

  @Test
  void aSingleEmbeddedNodePlacesEverything() {
    Placement p = new Placement(List.of(new NodeInfo("solo", "h", 1, Map.of(), false, 1)));
    for (int i = 0; i < 50; i++) assertEquals("solo", p.place("app/d", demand(4, 1)).nodeId());
  }

  record R(String id, String nodeId, int queueLength) implements RequestRouter.Replica {}

  @Test
  void routingPrefersTheCallersNodeUnlessItIsBusier() {
    PowerOfTwoChoices p2c = new PowerOfTwoChoices();
    List<R> idle = List.of(new R("x", "other", 0), new R("y", "other", 0), new R("l", "here", 0));
    for (int i = 0; i < 100; i++) assertEquals("l", p2c.choose(idle, 5, "here").id());
    List<R> busyHere = List.of(new R("x", "other", 0), new R("y", "other", 0), new R("l", "here", 3));
    for (int i = 0; i < 100; i++) assertNotEquals("l", p2c.choose(busyHere, 5, "here").id());
  }

  @Test
  void handleReferencesSurviveJson() {
    Object[] args = {new HandleRef("app", "Back"), Map.of("app", "not a handle"), 3};
    Object[] back = Json.convert(Json.MAPPER.valueToTree(args), Object[].class);
    assertEquals(new HandleRef("app", "Back"), HandleRef.revive(back[0]));
    assertNull(HandleRef.revive(back[1]));
    assertNull(HandleRef.revive(back[2]));
  }
}
