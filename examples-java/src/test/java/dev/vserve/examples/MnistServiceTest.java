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
    // each forward pass and each batch is in the scrape, under the replica that ran it
    String scrape = http.get("/-/metrics").body();
    assertTrue(scrape.matches("(?s).*vserve_model_inference_duration_seconds_count\\{[^}]*model=\"mnist\"[^}]*replica=\"[^\"]+\"[^}]*} [1-9].*"), scrape);
    assertTrue(scrape.matches("(?s).*vserve_batch_size_count\\{[^}]*method=\"MnistService.predict\"[^}]*} [1-9].*"), scrape);
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

  // ---- the Open Inference Protocol (KServe v2), with a client written from the protocol document ----

  private static final String V2 = "/v2/models/mnist";

  private static java.net.http.HttpResponse<String> post(String path, byte[] body, String headerLength) {
    var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .header("content-type", headerLength == null ? "application/json" : "application/octet-stream")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    if (headerLength != null) b.header("Inference-Header-Content-Length", headerLength);
    return http.send(b);
  }

  private static float[] flat(int... indexes) {
    float[] out = new float[indexes.length * 784];
    for (int k = 0; k < indexes.length; k++) {
      float[][] img = data.image(indexes[k]);
      for (int r = 0; r < 28; r++) System.arraycopy(img[r], 0, out, k * 784 + r * 28, 28);
    }
    return out;
  }

  private static long[] labels(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    for (var o : Http.json(r).get("outputs")) {
      if (!o.get("name").asText().equals("predicted_label")) continue;
      long[] l = new long[o.get("data").size()];
      for (int i = 0; i < l.length; i++) l[i] = o.get("data").get(i).asLong();
      return l;
    }
    throw new AssertionError("no predicted_label in " + r.body());
  }

  @Test
  void theOpenInferenceProtocolAnswersHealthMetadataAndReadiness() {
    assertEquals(200, http.get("/v2/health/live").statusCode());
    assertEquals(200, http.get("/v2/health/ready").statusCode());
    assertEquals(200, http.get(V2 + "/ready").statusCode());
    assertEquals(404, http.get("/v2/models/nope/ready").statusCode());
    var meta = Http.json(http.get(V2));
    assertEquals("mnist", meta.get("name").asText());
    assertEquals("image", meta.get("inputs").get(0).get("name").asText());
    assertEquals("FP32", meta.get("inputs").get(0).get("datatype").asText());
    assertEquals("[-1,1,28,28]", meta.get("inputs").get(0).get("shape").toString());
    assertEquals(400, http.get(V2 + "/versions/1").statusCode(), "versions are refused by name");
  }

  @Test
  void jsonAndBinaryTensorsGiveTheSameAnswersAsTheSeedsContract() throws Exception {
    int[] pick = {data.trainCount, data.trainCount + 1, data.trainCount + 2, data.trainCount + 3};
    float[] pixels = flat(pick);
    Map<String, Object> input = new java.util.LinkedHashMap<>();
    input.put("name", "image");
    input.put("datatype", "FP32");
    input.put("shape", List.of(4, 1, 28, 28));
    input.put("data", pixels);
    long[] json = labels(post(V2 + "/infer", Json.encode(Map.of("id", "r1", "inputs", List.of(input))), null));

    // the binary extension: the JSON header, then the raw little-endian floats
    Map<String, Object> header = Map.of("inputs", List.of(Map.of("name", "image", "datatype", "FP32", "shape", List.of(4, 1, 28, 28),
        "parameters", Map.of("binary_data_size", pixels.length * 4))), "outputs", List.of(Map.of("name", "predicted_label")));
    byte[] head = Json.encode(header);
    java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(head.length + pixels.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    body.put(head);
    for (float f : pixels) body.putFloat(f);
    HttpResponse<String> bin = post(V2 + "/infer", body.array(), Integer.toString(head.length));
    long[] binary = labels(bin);
    assertEquals(1, Http.json(bin).get("outputs").size(), "only the output asked for");

    // and a batch of 64 held-out digits in one request, against their true labels
    int[] many = new int[64];
    for (int k = 0; k < many.length; k++) many[k] = data.trainCount + 100 + k;
    Map<String, Object> batch = new java.util.LinkedHashMap<>(input);
    batch.put("shape", List.of(64, 1, 28, 28));
    batch.put("data", flat(many));
    long[] predicted = labels(post(V2 + "/infer", Json.encode(Map.of("inputs", List.of(batch))), null));
    int correct = 0;
    for (int k = 0; k < many.length; k++) if (predicted[k] == data.label(many[k])) correct++;
    assertTrue(correct >= 60, "held-out accuracy through v2: " + correct + "/64");

    for (int k = 0; k < pick.length; k++) {
      int seed = Http.json(http.post("/", body(data.image(pick[k])))).get("predicted_label").asInt();
      assertEquals(seed, json[k], "v2 JSON agrees with the seed's contract for image " + k);
      assertEquals(seed, binary[k], "v2 binary agrees for image " + k);
    }
  }

  @Test
  void badTensorsAre400NamingTheTensorAndTheServiceServesOn() {
    String[] bad = {
        "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"FP16\", \"shape\": [1], \"data\": [1]}]}",
        "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"FP32\", \"shape\": [2, 2], \"data\": [1, 2, 3]}]}",
        "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"INT64\", \"shape\": [2], \"data\": [1, 2.5]}]}",
        "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"FP32\", \"shape\": [1, 27, 28], \"data\": [" + "0,".repeat(27 * 28 - 1) + "0]}]}",
        "{\"inputs\": []}",
        "not json"};
    String[] says = {"datatype 'FP16'", "do not fill its shape", "whole numbers", "must be FP32 of shape", "needs inputs", "JSON"};
    for (int i = 0; i < bad.length; i++) {
      HttpResponse<String> r = post(V2 + "/infer", bad[i].getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
      assertEquals(400, r.statusCode(), bad[i] + " -> " + r.body());
      assertTrue(r.body().contains(says[i]), r.body());
    }
    String header = "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"FP32\", \"shape\": [1, 28, 28], \"parameters\": {\"binary_data_size\": 100}}]}";
    byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] b = java.util.Arrays.copyOf(h, h.length + 100);
    HttpResponse<String> size = post(V2 + "/infer", b, Integer.toString(h.length));
    assertEquals(400, size.statusCode());
    assertTrue(size.body().contains("binary_data_size 100 does not match"), size.body());
    assertEquals(404, post("/v2/models/nope/infer", "{}".getBytes(), null).statusCode());
    assertEquals(200, http.post("/", body(data.image(data.trainCount))).statusCode(), "serving on");
  }
}
