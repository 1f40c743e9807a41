package dev.vserve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input and broken user code get clear JSON errors, and the replica keeps serving. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorsTest {
  public record Item(String name, int count) {}

  @Deployment
  public static class Api {
    private int served;

    @Get("/ok")
    public Map<String, Object> ok() {
      return Map.of("served", ++served);
    }

    @Get("/boom")
    public String boom() {
      throw new IllegalStateException("kaboom");
    }

    @Post("/items")
    public Item create(@Body Item item) {
      return new Item(item.name(), item.count() + 1);
    }

    @Get("/items/{id}")
    public Map<String, Object> item(int id, @Param(value = "verbose", defaultValue = "false") boolean verbose) {
      return Map.of("id", id, "verbose", verbose);
    }

    @Get("/square")
    public double square(double x) {
      return x * x;
    }

    @Post("/sum")
    public double sum(@Body List<Double> values) {
      return values.stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  @Deployment
  public static class Raw {
    public Object call(Request r) {
      return r.json().get("a");
    }
  }

  static ServeNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = Nodes.start(new ServeOptions().setMaxRequestBodyBytes(64 * 1024));
    http = new Http(node.httpPort());
    Nodes.deploy(node, Application.bind(Api.class), "api", "/api");
    Nodes.deploy(node, Application.bind(Raw.class), "raw", "/raw");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  @Test
  void userExceptionIs500WithTypeMessageAndRequestIdAndTheReplicaLivesOn() {
    assertEquals(1, Http.json(http.get("/api/ok")).get("served").asInt());
    HttpResponse<String> r = http.get("/api/boom");
    assertEquals(500, r.statusCode());
    JsonNode body = Http.json(r);
    assertEquals("IllegalStateException", body.get("error").asText());
    assertEquals("kaboom", body.get("message").asText());
    assertEquals(r.headers().firstValue("x-request-id").orElseThrow(), body.get("request_id").asText());
    // same replica (the instance counter continues), still serving
    assertEquals(2, Http.json(http.get("/api/ok")).get("served").asInt());
  }

  @Test
  void malformedJsonIs400NamingTheProblem() {
    HttpResponse<String> r = http.post("/api/items", "{\"name\": \"a\", ");
    assertEquals(400, r.statusCode());
    assertTrue(Http.json(r).get("message").asText().contains("malformed JSON"), r.body());
    HttpResponse<String> raw = http.post("/raw", "not json");
    assertEquals(400, raw.statusCode(), raw.body());
  }

  @Test
  void aBodyOfTheWrongShapeIs400AndAParameterOfTheWrongTypeIs422() {
    HttpResponse<String> r = http.post("/api/items", "{\"name\": \"a\", \"count\": \"many\"}");
    assertEquals(400, r.statusCode());
    assertTrue(Http.json(r).get("message").asText().contains("Item"), r.body());
    HttpResponse<String> q = http.get("/api/square?x=abc");
    assertEquals(422, q.statusCode());
    assertEquals("ValidationError", Http.json(q).get("error").asText(), q.body());
    assertTrue(Http.json(q).get("message").asText().contains("'x'"), q.body());
    HttpResponse<String> shape = http.post("/api/sum", "{\"not\": \"a list\"}");
    assertEquals(400, shape.statusCode(), shape.body());
  }

  @Test
  void missingParameterIs422() {
    HttpResponse<String> r = http.get("/api/square");
    assertEquals(422, r.statusCode());
    assertTrue(Http.json(r).get("message").asText().contains("missing required parameter 'x'"), r.body());
  }

  @Test
  void bindsPathQueryAndBody() {
    assertEquals("{\"id\":7,\"verbose\":true}".length(), http.get("/api/items/7?verbose=true").body().length());
    assertEquals(7, Http.json(http.get("/api/items/7")).get("id").asInt());
    assertEquals(false, Http.json(http.get("/api/items/7")).get("verbose").asBoolean());
    assertEquals(6.25, Http.json(http.get("/api/square?x=2.5")).asDouble());
    JsonNode created = Http.json(http.post("/api/items", "{\"name\": \"a\", \"count\": 1}"));
    assertEquals(2, created.get("count").asInt());
    assertEquals(6.0, Http.json(http.post("/api/sum", "[1, 2, 3]")).asDouble());
  }

  @Test
  void unknownRoutesAre404AndWrongMethodIs405() {
    HttpResponse<String> inApp = http.get("/api/nothing-here");
    assertEquals(404, inApp.statusCode());
    assertEquals("HTTPException", Http.json(inApp).get("error").asText());
    HttpResponse<String> noApp = http.get("/elsewhere");
    assertEquals(404, noApp.statusCode());
    assertTrue(Http.json(noApp).get("message").asText().contains("/-/routes"), noApp.body());
    assertEquals(405, http.post("/api/ok", "{}").statusCode());
  }

  @Test
  void hugeBodyIs413AndTheNodeKeepsServing() {
    HttpResponse<String> r = http.post("/api/items", new byte[200 * 1024]);
    assertEquals(413, r.statusCode());
    assertEquals("PayloadTooLarge", Http.json(r).get("error").asText());
    assertEquals(200, http.get("/api/ok").statusCode());
  }

  @Test
  void routesAndHealthAsRayServe() {
    assertEquals("success", http.get("/-/healthz").body());
    JsonNode routes = Http.json(http.get("/-/routes"));
    assertEquals("api", routes.get("/api").asText());
    assertEquals("raw", routes.get("/raw").asText());
  }

  @Test
  void incomingRequestIdIsKept() {
    HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/api/boom")).header("x-request-id", "abc-123"));
    assertEquals("abc-123", r.headers().firstValue("x-request-id").orElseThrow());
    assertEquals("abc-123", Http.json(r).get("request_id").asText());
  }
}
