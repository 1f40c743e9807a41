package dev.vserve.cluster;

import dev.vserve.testing.ChildProcess;
import dev.vserve.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A plain verticle (Vert.x and Hazelcast types only) in this JVM calls a deployment served by a
 * vserve node in another JVM, over the clustered event bus. The node is started with Vert.x's own
 * launcher and {@code --cluster}, configured by the repository's {@code cluster.xml}.
 */
class PlainVerticleOverClusterTest {
  private static final String CLUSTER_XML = new File("../cluster.xml").getAbsolutePath();

  private ChildProcess node;
  private Vertx vertx;

  /** Knows nothing of vserve: JSON to a documented address, the reply or its failure code back. */
  public static class Caller extends VerticleBase {
    final CompletableFuture<Object> answer = new CompletableFuture<>();
    private final JsonObject request;

    Caller(JsonObject request) {
      this.request = request;
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().<JsonObject>request("vserve.scaling.Scaler", request)
          .onComplete(ar -> answer.complete(ar.succeeded() ? ar.result().body() : ar.cause()));
      return Future.succeededFuture();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (vertx != null) vertx.close().await();
    if (node != null) node.kill();
  }

  private Object call(JsonObject request) throws Exception {
    Caller c = new Caller(request);
    vertx.deployVerticle(c).await();
    return c.answer.get(30, TimeUnit.SECONDS);
  }

  @Test
  void callsADeploymentInAnotherJvm() throws Exception {
    List<String> flags = new ArrayList<>(List.of(System.getProperty("hazelcast.jvm.flags", "").split(" ")));
    flags.removeIf(String::isBlank);
    flags.add("-Dvertx.hazelcast.config=" + CLUSTER_XML);
    node = ChildProcess.java(flags, "io.vertx.launcher.application.VertxApplication", "dev.vserve.node.ServeVerticle",
        "--cluster", "--cluster-host", "127.0.0.1", "-conf",
        "{\"http_options\": {\"port\": -1}, \"applications\": [{\"import_path\": \"dev.vserve.cluster.ClusterTarget\", \"name\": \"scaling\"}]}");
    List<String> out = node.lines;

    System.setProperty("vertx.hazelcast.config", CLUSTER_XML);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1");
    vertx = Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager()).buildClustered().await();

    JsonObject scale = new JsonObject().put("method", "scale").put("args", new JsonArray().add(2.5));
    Object[] last = new Object[1];
    Poll.until("the remote deployment to answer; node output: " + out, Duration.ofSeconds(90), () -> {
      if (!node.process.isAlive()) throw new AssertionError("node exited: " + out);
      try {
        last[0] = call(scale);
        return last[0] instanceof JsonObject;
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(new JsonObject().put("result", 7.5), last[0]);

    ReplyException failed = (ReplyException) call(new JsonObject().put("method", "fail").put("args", new JsonArray().add(1)));
    assertEquals(500, failed.failureCode());
    assertEquals("ArithmeticException", new JsonObject(failed.getMessage()).getString("error"));
    ReplyException missing = (ReplyException) call(new JsonObject().put("method", "nope"));
    assertEquals(404, missing.failureCode());
  }
}
