package dev.vserve.impl;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.DeploymentHandle;
import dev.vserve.Request;
import dev.vserve.RequestRouter;
import dev.vserve.Response;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.HandleRef;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.replica.DeploymentInvoker;
import dev.vserve.impl.router.PowerOfTwoChoices;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What crosses nodes survives the wire; plans name and order deployments as Ray Serve does. */
class WireAndPlanTest {
  @Deployment
  public static class Echo {
    public Response call(Request r) {
      return Response.text(r.method() + " " + r.routePath() + " " + r.queryParam("q") + " " + r.text());
    }

    public double scale(double x, int factor) {
      return x * factor;
    }
  }

  public static class Needs {
    public Needs(DeploymentHandle a, DeploymentHandle b, String label) {}
  }

  private static Object wire(Object o) {
    ServeCodec codec = new ServeCodec();
    Buffer b = Buffer.buffer();
    codec.encodeToWire(b, o);
    return codec.decodeFromWire(0, b);
  }

  @Test
  void httpCallSurvivesTheWireAndReachesTheHandler() throws Throwable {
    Request req = new Request("r1", "POST", "/app/x", "/x", Map.of("q", List.of("7")), Map.of("Content-Type", "text/plain"),
        "body \u00e9".getBytes(StandardCharsets.UTF_8));
    Object decoded = wire(Call.http("r1", req, null, 123L, "node-a", false));
    Call call = assertInstanceOf(Call.class, decoded);
    assertEquals(123L, call.deadlineMs());
    DeploymentInvoker inv = DeploymentInvoker.create(Echo.class, new Object[0], a -> a);
    Response r = (Response) inv.invoke(call);
    assertEquals("POST /x 7 body \u00e9", new String(r.body(), StandardCharsets.UTF_8));
    Response back = Json.convert(wire(r), Response.class);
    assertArrayEquals(r.body(), back.body());
    assertEquals("text/plain; charset=utf-8", back.headers().get("content-type"));
  }

  @Test
  void aMethodCallIsNeverTakenForAnHttpRequestWhateverItsName() {
    Call call = (Call) wire(Call.method("r3", "__http__", new Object[] {"x"}, 0, "n"));
    assertFalse(call.isHttp());
    assertEquals("__http__", call.method());
    assertEquals(List.of("x"), List.of(call.args()));
  }

  @Test
  void argumentsAreConvertedToParameterTypesAfterTheWire() throws Throwable {
    Call call = (Call) wire(Call.method("r2", "scale", new Object[] {1.5, 4}, 0, "n"));
    DeploymentInvoker inv = DeploymentInvoker.create(Echo.class, new Object[0], a -> a);
    assertEquals(6.0, inv.invoke(call));
  }

  @Test
  void plansNameDuplicatesAndOrderDependenciesFirst() {
    Application a = Application.bind(Echo.class);
    Application b = Application.bind(Echo.class);
    ApplicationPlan plan = ApplicationPlan.of(Application.bind(Needs.class, a, b, "x"), "app", "api/");
    assertEquals("/api", plan.routePrefix());
    assertEquals(List.of("Echo", "Echo_1", "Needs"), plan.deployments().stream().map(d -> d.name()).toList());
    assertEquals("Needs", plan.ingress());
    Object[] args = plan.deployment("Needs").initArgs();
    assertEquals(new HandleRef("app", "Echo"), args[0]);
    assertEquals(new HandleRef("app", "Echo_1"), args[1]);
    assertEquals("x", args[2]);
  }

  @Test
  void sharedBoundDeploymentIsDeployedOnce() {
    Application shared = Application.bind(Echo.class);
    ApplicationPlan plan = ApplicationPlan.of(Application.bind(Needs.class, shared, shared, "x"), "app", "/");
    assertEquals(2, plan.deployments().size());
  }

  record R(String id, int queueLength) implements RequestRouter.Replica {
    public String nodeId() { return "n"; }
  }

  @Test
  void powerOfTwoChoicesPicksTheShorterQueueAndNeverAFullReplica() {
    PowerOfTwoChoices p2c = new PowerOfTwoChoices();
    List<R> two = List.of(new R("a", 3), new R("b", 1));
    for (int i = 0; i < 100; i++) assertEquals("b", p2c.choose(two, 5, null).id());
    List<R> oneFree = List.of(new R("a", 5), new R("b", 5), new R("c", 5), new R("d", 2));
    for (int i = 0; i < 100; i++) assertEquals("d", p2c.choose(oneFree, 5, null).id());
    assertNull(p2c.choose(List.of(new R("a", 5), new R("b", 5)), 5, null));
  }

  @Test
  void wrongVersionOnTheWireIsRefused() {
    byte[] json = "{\"v\":99,\"t\":\"value\",\"d\":1}".getBytes(StandardCharsets.UTF_8);
    Buffer b = Buffer.buffer().appendInt(json.length).appendBytes(json);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ServeCodec().decodeFromWire(0, b));
    assertTrue(e.getMessage().contains("version 99"));
  }
}
