package dev.vserve.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.ServeNode;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.impl.Json;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MNIST service over real HTTP: held-out accuracy, the seed's contract, and bad input. */
class MnistServiceTest {
  static ServeNode node;
  static Http http;
  static MnistData data;

  @BeforeAll
  static void start() throws Exception {
    data = MnistData.load();
    node = Nodes.start();
    http = new Http(node.httpPort());
    Nodes.deploy(node, MnistService.app, "mnist", "/");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  private static String body(Object image) {
    return new String(Json.encode(Map.of("image", image)));
  }

  @Test
  void heldOutAccuracyThroughHttpIsAtLeast97Percent() throws Exception {
    int n = data.testCount();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>(n);
    // 64 concurrent clients, so requests really are batched
    try (ExecutorService clients = Executors.newFixedThreadPool(64)) {
      for (int k = 0; k < n; k++) {
        int i = data.trainCount + k;
        answers.add(CompletableFuture.supplyAsync(() -> http.post("/", body(data.image(i))), clients));
      }
      int correct = 0;
      for (int k = 0; k < n; k++) {
        HttpResponse<String> r = answers.get(k).get(60, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = Http.json(r);
        assertEquals(10, a.get("logits").size());
        if (a.get("predicted_label").asInt() == data.label(data.trainCount + k)) correct++;
      }
      double accuracy = correct / (double) n;
      System.out.printf("MNIST held-out accuracy through HTTP: %.4f (%d/%d)%n", accuracy, correct, n);
      assertTrue(accuracy >= 0.97, "accuracy " + accuracy);
    }
  }

  @Test
  void batchRequestsAnswerListsInOrder() {
    int a = data.trainCount;
    int b = data.trainCount + 1;
    JsonNode single = Http.json(http.post("/", body(data.image(a))));
    JsonNode both = Http.json(http.post("/", body(List.of(data.image(a), data.image(b)))));
    assertEquals(2, both.get("predicted_label").size());
    assertEquals(single.get("predicted_label").asInt(), both.get("predicted_label").get(0).asInt());
    assertEquals(single.get("logits").get(3).asDouble(), both.get("logits").get(0).get(3).asDouble(), 1e-4);
    // [N][1][28][28], as the intro template sends
    JsonNode channels = Http.json(http.post("/", body(List.of(List.of(data.image(a)), List.of(data.image(b))))));
    assertEquals(both.get("predicted_label"), channels.get("predicted_label"));
  }

  @Test
  void badShapesAndValuesAre400NamingTheProblem() {
    float[][] shortRow = data.image(0);
    shortRow[5] = new float[27];
    HttpResponse<String> r = http.post("/", body(shortRow));
    assertEquals(400, r.statusCode());
    assertTrue(Http.json(r).get("message").asText().contains("row 5 must have 28 values, got 27"), r.body());

    HttpResponse<String> text = http.post("/", "{\"image\": [[\"a\"]]}");
    assertEquals(400, text.statusCode(), text.body());
    HttpResponse<String> missing = http.post("/", "{\"picture\": []}");
    assertEquals(400, missing.statusCode());
    assertTrue(Http.json(missing).get("message").asText().contains("expected {\"image\""), missing.body());
    assertEquals(400, http.post("/", "{\"image\": ").statusCode());
    // a body of null once killed the batch collector (every later image got 504, status said HEALTHY)
    for (String nothing : List.of("null", "[]", "{}", "\"x\"", "7")) {
      HttpResponse<String> none = http.post("/", nothing);
      assertEquals(400, none.statusCode(), nothing + " -> " + none.body());
      assertEquals("BadRequest", Http.json(none).get("error").asText(), none.body());
    }
    // and the service still answers
    assertEquals(200, http.post("/", body(data.image(1))).statusCode());
  }
}
