package dev.vserve;

import dev.vserve.testing.Nodes;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handles: responses as arguments, typed views, blocking and asynchronous composition inside replicas. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandleTest {
  @Deployment
  public static class Adder {
    private final int increment;

    public Adder(int increment) {
      this.increment = increment;
    }

    public double add(double x) {
      return x + increment;
    }

    public List<Double> addAll(List<Double> xs) {
      return xs.stream().map(this::add).toList();
    }

    public double fail(double x) {
      throw new ArithmeticException("cannot add to " + x);
    }
  }

  @Deployment
  public static class Sum {
    public double call(double... xs) {
      double s = 0;
      for (double x : xs) s += x;
      return s;
    }
  }

  /** Composes in blocking style on its virtual thread: await() inside a replica. */
  @Deployment
  public static class Chain {
    private final DeploymentHandle adder;

    public Chain(DeploymentHandle adder) {
      this.adder = adder;
    }

    public double twice(double x) {
      double once = (Double) adder.method("add").remote(x).await();
      return (Double) adder.method("add").remote(once).await();
    }

    public Future<Double> twiceAsync(double x) {
      AdderApi api = adder.as(AdderApi.class);
      return api.add(x).compose(api::add);
    }
  }

  public interface AdderApi {
    Future<Double> add(double x);

    Future<List<Double>> addAll(List<Double> xs);
  }

  public interface AdderBlocking {
    double add(double x);
  }

  static ServeNode node;
  static DeploymentHandle adder;
  static DeploymentHandle sum;
  static DeploymentHandle chain;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    Application adderApp = Serve.deployment(Adder.class).options(c -> c.setNumReplicas(2)).bind(10);
    adder = Nodes.deploy(node, adderApp, "adder", "/adder");
    sum = Nodes.deploy(node, Application.bind(Sum.class), "sum", "/sum");
    chain = Nodes.deploy(node, Application.bind(Chain.class, Application.bind(Adder.class, 1)), "chain", "/chain");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  @Test
  void responsesPassedAsArgumentsAreResolvedFirst() {
    DeploymentResponse<Object> a = adder.method("add").remote(1.0);
    DeploymentResponse<Object> b = adder.method("add").remote(2.0);
    assertEquals(23.0, sum.remote(a, b).await());
    assertEquals(23.5, sum.remote(a, b, 0.5).await());
  }

  @Test
  void aFailedUpstreamResponseFailsTheDownstreamCall() {
    DeploymentResponse<Object> bad = adder.method("fail").remote(1.0);
    DeploymentException e = assertThrows(DeploymentException.class, () -> sum.remote(bad, 2.0).await());
    assertEquals("ArithmeticException", e.errorType());
    assertEquals("cannot add to 1.0", e.getMessage());
  }

  @Test
  void typedHandles() {
    AdderApi api = adder.as(AdderApi.class);
    assertEquals(15.0, api.add(5).await());
    assertEquals(List.of(11.0, 12.0), api.addAll(List.of(1.0, 2.0)).await());
    assertEquals(11.5, adder.as(AdderBlocking.class).add(1.5));
    assertEquals(15.0, adder.method("add").remote(5).as(Double.class).await());
  }

  @Test
  void composesInsideReplicasBlockingAndAsync() {
    assertEquals(7.0, chain.method("twice").remote(5.0).await());
    assertEquals(7.0, chain.method("twiceAsync").remote(5.0).await());
  }

  @Test
  void responsesAreVertxFuturesAndNeverBlockAnEventLoop() throws Exception {
    DeploymentResponse<Object> r = adder.method("add").remote(1.0);
    assertTrue(r instanceof Future<?>);
    java.util.concurrent.CompletableFuture<Throwable> onLoop = new java.util.concurrent.CompletableFuture<>();
    node.vertx().runOnContext(v -> {
      try {
        r.await();
        onLoop.complete(null);
      } catch (Throwable t) {
        onLoop.complete(t);
      }
    });
    Throwable t = onLoop.get(10, TimeUnit.SECONDS);
    assertTrue(t instanceof IllegalStateException, "await() on an event loop must be refused, got " + t);
    assertEquals(11.0, r.await());
  }

  @Test
  void wrongArgumentsAreClearErrors() {
    ServeException e = assertThrows(ServeException.class, () -> adder.method("add").remote("not a number").await());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("argument 0 of add"), e.getMessage());
    ServeException arity = assertThrows(ServeException.class, () -> adder.method("add").remote(1, 2).await());
    assertTrue(arity.getMessage().contains("does not take 2"), arity.getMessage());
    ServeException noApp = assertThrows(ServeException.class, () -> node.handle("nope", null).remote().await());
    assertEquals(404, noApp.status());
    assertFalse(node.applications().contains("nope"));
  }
}
