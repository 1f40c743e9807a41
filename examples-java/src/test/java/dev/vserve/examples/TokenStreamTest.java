package dev.vserve.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.ServeNode;
import dev.vserve.impl.Json;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token stream example over real SSE: model output, one event per token, as it is produced. */
class TokenStreamTest {
  static ServeNode node;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    Nodes.deploy(node, TokenStream.app, "tokens", "/");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  @Test
  void streamsOneModelStepPerEvent() throws Exception {
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.httpPort() + "/?prompt=hello&n=6&delay_ms=50"))
        .header("accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    List<JsonNode> events = new ArrayList<>();
    List<Long> arrivals = new ArrayList<>();
    long t0 = System.nanoTime();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("data: {")) {
          events.add(Json.MAPPER.readTree(line.substring(6)));
          arrivals.add(System.nanoTime() - t0);
        }
      }
    }
    assertEquals(6, events.size());
    int correct = 0;
    for (int i = 0; i < 6; i++) {
      assertEquals(i, events.get(i).get("index").asInt());
      if (events.get(i).get("token").asText().equals(events.get(i).get("label").asText())) correct++;
    }
    assertTrue(correct >= 5, "the model read " + correct + " of 6 digits right");
    // tokens arrive as they are made (50 ms apart), not all at the end
    assertTrue(arrivals.get(5) - arrivals.get(0) >= 200_000_000L, "arrivals " + arrivals);
  }

  @Test
  void badArgumentsAreRefused() {
    assertEquals(400, new Http(node.httpPort()).get("/?n=-1").statusCode(), "the handler's own check");
    assertEquals(422, new Http(node.httpPort()).get("/?n=many").statusCode(), "not an int: a validation error");
  }
}
