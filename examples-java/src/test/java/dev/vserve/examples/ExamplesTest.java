package dev.vserve.examples;

import dev.vserve.ServeNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The examples answer over real HTTP exactly as the Ray Serve documents show. */
class ExamplesTest {
  static ServeNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    http = new Http(node.httpPort());
    Nodes.deploy(node, HelloWorld.app, "hello", "/");
    Nodes.deploy(node, Composition.app, "composition", "/composition");
    Nodes.deploy(node, Greeter.app, "greeter", "/greeter");
    Nodes.deploy(node, HelloAsync.app, "hello-async", "/async");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  @Test
  void helloWorld() {
    HttpResponse<String> r = http.get("/");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    assertEquals("{\"result\":\"Hello world!\"}", r.body());
  }

  /** The non-blocking twin answers the same bytes. */
  @Test
  void helloAsync() {
    HttpResponse<String> r = http.get("/async");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    assertEquals("{\"result\":\"Hello world!\"}", r.body());
  }

  @Test
  void composition() {
    HttpResponse<String> r = http.post("/composition", "{\"val\": 100.0}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(101.5, Http.json(r).get("result").asDouble());
    assertEquals(1, Http.json(r).size());
    HttpResponse<String> bad = http.post("/composition", "{\"value\": 1}");
    assertEquals(400, bad.statusCode());
  }

  @Test
  void greeter() {
    HttpResponse<String> r = http.get("/greeter/hello?name=Theodore");
    assertEquals(200, r.statusCode());
    assertEquals("\"Hello Theodore!\"", r.body());
    assertEquals("Hello Theodore!", Http.json(r).asText());
  }
}
