package dev.vserve.examples.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Python generators streamed as Server-Sent Events by the examples' shared {@code vserve run} JVM
 * ({@link ExamplesLauncher}): in order and incrementally, errors as events, a client that leaves or
 * does not read, model output, and streams read through a handle.
 */
class PythonStreamingTest extends OnExamplesLauncher {
  private static HttpResponse<java.io.InputStream> sse(String path) throws Exception {
    return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
        .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + launcher.port + path))
            .header("accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  void aGeneratorStreamsServerSentEventsIncrementallyInOrder() throws Exception {
    int before = Http.json(http.get("/stream/produced")).get("produced").asInt();
    HttpResponse<java.io.InputStream> r = sse("/stream/?prompt=a%20b&n=40&delay_ms=25");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("id: 0", in.readLine());
    assertEquals("data: {\"index\":0,\"token\":\"a\"}", in.readLine());
    // the first token is here while the generator is still at work on the rest
    assertTrue(Http.json(http.get("/stream/produced")).get("produced").asInt() - before < 40);
    StringBuilder rest = new StringBuilder();
    for (String line; (line = in.readLine()) != null; ) rest.append(line).append('\n');
    for (int i = 1; i < 40; i++) {
      assertTrue(rest.indexOf("id: " + i + "\ndata: {\"index\":" + i + ",\"token\":\"" + (i % 2 == 0 ? "a" : "b") + "\"}") >= 0, rest.toString());
    }
    assertTrue(rest.toString().endsWith("event: end\ndata: \n\n"), rest.toString());
  }

  @Test
  void aFailingGeneratorEndsWithAnErrorEvent() throws Exception {
    String body = new String(sse("/stream/broken?after=2").body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(body.startsWith("id: 0\ndata: {\"index\":0}\n\nid: 1\ndata: {\"index\":1}\n\nevent: error\ndata: {\"error\":\"RuntimeError\""), body);
    assertTrue(body.contains("the generator failed after 2 items"), body);
    assertEquals(200, http.get("/stream/produced").statusCode(), "the replica serves on");
  }

  @Test
  void aClientThatGoesAwayStopsThePythonGenerator() throws Exception {
    int closedBefore = Http.json(http.get("/stream/produced")).get("closed").asInt();
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", launcher.port)) {
      s.getOutputStream().write("GET /stream/?n=100000&delay_ms=2 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getInputStream().readNBytes(2048);
    }
    long t0 = System.nanoTime();
    dev.vserve.testing.Poll.until("the generator to be closed", java.time.Duration.ofSeconds(2),
        () -> Http.json(http.get("/stream/produced")).get("closed").asInt() > closedBefore);
    System.out.printf("Python generator closed %d ms after the client left%n", (System.nanoTime() - t0) / 1_000_000);
    int produced = Http.json(http.get("/stream/produced")).get("produced").asInt();
    assertTrue(produced < 100000, "the generator ran on to the end");
  }

  @Test
  void aStreamCarriesModelOutput() throws Exception {
    String body = new String(sse("/stream/digits?n=3").body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 3; i++) assertTrue(body.contains("id: " + i + "\ndata: {\"index\":" + i + ",\"predicted_label\":"), body);
  }

  @Test
  void pythonReadsAStreamThroughAHandleWithAsyncFor() {
    JsonNode r = Http.json(http.get("/checks?what=stream&n=4"));
    assertEquals("[0,10,20,30]", r.get("items").toString());
    // and with a plain for loop, blocking the replica's thread between items
    assertEquals("[0,10,20]", Http.json(http.get("/checks?what=blocking_for")).get("items").toString());
  }

  @Test
  void aClientThatDoesNotReadHoldsThePythonGeneratorBack() throws Exception {
    int before = Http.json(http.get("/stream/produced")).get("produced").asInt();
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", launcher.port)) {
      s.setReceiveBufferSize(16 * 1024);
      s.getOutputStream().write("GET /stream/?n=100000 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      // the generator stops making tokens once the buffers on the way are full
      int held = dev.vserve.testing.Poll.untilSteady("the generator to be held back", java.time.Duration.ofSeconds(20),
          java.time.Duration.ofMillis(300), before, () -> Http.json(http.get("/stream/produced")).get("produced").asInt());
      assertTrue(held - before < 100000, "the generator ran to the end for a client that reads nothing");
    }
  }
}
