package dev.vserve;

import dev.vserve.impl.NodeContext;
import dev.vserve.node.ServeVerticle;
import dev.vserve.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vserve inside a Vert.x application that owns the Vertx, the HTTP server and the router; plain
 * verticles calling deployments over the event bus; and a clean undeploy.
 */
class EmbeddingTest {
  @Deployment(numReplicas = 2)
  public static class Greeter {
    @Get("/hello")
    public String sayHello(String name) {
      return "Hello " + name + "!";
    }

    public String greet(String name, int times) {
      return ("hi " + name + " ").repeat(times).trim();
    }

    public double fail(double x) {
      throw new IllegalStateException("no " + x);
    }
  }

  public interface GreeterApi {
    Future<String> greet(String name, int times);
  }

  /** Knows nothing of vserve: a JSON request to a documented address. */
  public static class PlainCaller extends VerticleBase {
    final CompletableFuture<Object> answer = new CompletableFuture<>();
    private final JsonObject request;

    PlainCaller(JsonObject request) {
      this.request = request;
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().<JsonObject>request("vserve.greet.Greeter", request).onComplete(ar -> {
        if (ar.succeeded()) answer.complete(ar.result().body());
        else answer.complete(ar.cause());
      });
      return Future.succeededFuture();
    }
  }

  Vertx vertx;
  HttpServer server;
  String serveId;
  Http http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ServeVerticle serve = new ServeVerticle(new ServeOptions().setHttpEnabled(false))
        .withApplication(Application.bind(Greeter.class), "greet", "/g");
    serveId = vertx.deployVerticle(serve).await();
    Router mine = Router.router(vertx);
    mine.get("/mine").handler(rc -> rc.response().end("my own route"));
    mine.route("/models*").subRouter(serve.router());
    server = vertx.createHttpServer().requestHandler(mine).listen(0).await();
    http = new Http(server.actualPort());
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Object plainCall(JsonObject request) throws Exception {
    PlainCaller caller = new PlainCaller(request);
    vertx.deployVerticle(caller).await();
    return caller.answer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void servesUnderTheApplicationsOwnRouterAndPort() {
    assertEquals("my own route", http.get("/mine").body());
    assertEquals("\"Hello Ada!\"", http.get("/models/g/hello?name=Ada").body());
    assertEquals(404, http.get("/models/elsewhere").statusCode());
    // vserve's own paths under the mount point too
    assertEquals("success", http.get("/models/-/healthz").body());
  }

  @Test
  void plainVerticlesCallDeploymentsByAddress() throws Exception {
    Object ok = plainCall(new JsonObject().put("method", "greet").put("args", new JsonArray().add("Bo").add(2)));
    assertEquals(new JsonObject().put("result", "hi Bo hi Bo"), ok);

    ReplyException missing = (ReplyException) plainCall(new JsonObject().put("method", "nope"));
    assertEquals(404, missing.failureCode());
    ReplyException broken = (ReplyException) plainCall(new JsonObject().put("method", "fail").put("args", new JsonArray().add(1)));
    assertEquals(500, broken.failureCode());
    JsonObject why = new JsonObject(broken.getMessage());
    assertEquals("IllegalStateException", why.getString("error"));
    assertEquals("no 1.0", why.getString("message"));
    ReplyException badArgs = (ReplyException) plainCall(new JsonObject().put("method", "greet").put("args", new JsonArray().add("x").add("many")));
    assertEquals(400, badArgs.failureCode());
  }

  @Test
  void aHandleFromAnyVerticleWithoutRunningTheApplication() {
    DeploymentHandle h = Serve.handle(vertx, "greet", "Greeter");
    assertEquals("hi Al", h.method("greet").remote("Al", 1).await());
    assertEquals("hi Al hi Al", h.as(GreeterApi.class).greet("Al", 2).await());
    DeploymentException e = assertThrows(DeploymentException.class, () -> h.method("fail").remote(2).await());
    assertEquals("IllegalStateException", e.errorType());
  }

  @Test
  void undeployLeavesNothingBehind() {
    assertEquals("hi Cy", Serve.handle(vertx, "greet", "Greeter").method("greet").remote("Cy", 1).await());
    assertEquals("\"Hello Ty!\"", http.get("/models/g/hello?name=Ty").body());
    vertx.undeploy(serveId).await();
    assertNull(NodeContext.of(vertx), "the node context is gone");
    ReplyException gone = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("vserve.greet.Greeter", new JsonObject()).await());
    assertEquals(ReplyFailure.NO_HANDLERS, gone.failureType());
    for (String address : new String[] {"vserve.controller.deploy", "vserve.replicas", "vserve.routes", NodeContext.CONTROLLER_REPLICAS}) {
      ReplyException e = assertThrows(ReplyException.class, () -> vertx.eventBus().request(address, "x").await());
      assertEquals(ReplyFailure.NO_HANDLERS, e.failureType(), address);
    }
    assertTrue(vertx.deploymentIDs().isEmpty(), "left deployed: " + vertx.deploymentIDs());
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("vserve")),
        "vserve platform threads left");
    // timer ids are sequential: none issued before this one may still be live
    long probe = vertx.setTimer(60_000, t -> { });
    for (long id = 0; id < probe; id++) assertTrue(!vertx.cancelTimer(id), "timer " + id + " was left running");
    vertx.cancelTimer(probe);
    // the application's own server keeps serving
    assertEquals("my own route", http.get("/mine").body());
  }
}
