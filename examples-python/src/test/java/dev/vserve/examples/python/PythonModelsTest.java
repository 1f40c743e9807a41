package dev.vserve.examples.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.impl.Json;
import dev.vserve.testing.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python examples' models and batches, served by the examples' shared {@code vserve run} JVM
 * ({@link ExamplesLauncher}): MNIST through HTTP and as jobs, multiplexed variants, {@code @serve.batch}
 * through handles, with a size function and as generators.
 */
class PythonModelsTest extends OnExamplesLauncher {
  @Test
  void batchCollectsConcurrentCallsAndChecksLengths() throws Exception {
    try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
      List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int x = i;
        rs.add(CompletableFuture.supplyAsync(() -> http.get("/checks?what=batch&x=" + x), clients));
      }
      // max_batch_size 4 with a 5 s timeout: the four calls flush together, as soon as the fourth arrives
      for (var f : rs) assertEquals(4, Http.json(f.get(30, TimeUnit.SECONDS)).get("batch_size").asInt());
    }
    HttpResponse<String> wrong = http.get("/checks?what=wrong_length");
    assertEquals(500, wrong.statusCode());
    assertTrue(wrong.body().contains("returned 2 results for 1 inputs"), wrong.body());
    assertEquals(200, http.get("/checks").statusCode());
  }

  @Test
  void multiplexedModelsStayWithTheirReplicaAndBatchOneModelAtATime() throws Exception {
    MnistData data = MnistData.load();
    for (String model : List.of("mnist-int8", "mnist")) {
      List<String> replicas = new ArrayList<>();
      int correct = 0;
      for (int k = 0; k < 10; k++) {
        int i = data.trainCount + k;
        HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + launcher.port + "/mux"))
            .header("serve_multiplexed_model_id", model)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new String(Json.encode(Map.of("image", data.image(i)))))));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = Http.json(r);
        assertEquals(model, a.get("model").asText());
        replicas.add(a.get("replica").asText());
        if (a.get("predicted_label").asInt() == data.label(i)) correct++;
      }
      assertTrue(correct >= 8, model + ": " + correct + "/10");
      assertEquals(1, new java.util.HashSet<>(replicas.subList(3, 10)).size(), model + " moved between replicas: " + replicas);
    }
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    for (int k = 0; k < 32; k++) {
      String model = k % 2 == 0 ? "mnist-pruned" : "mnist-fp16";
      calls.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + launcher.port + "/mux"))
          .header("serve_multiplexed_model_id", model)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new String(Json.encode(Map.of("image", data.image(data.trainCount + k)))))).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    int biggest = 0;
    for (int k = 0; k < calls.size(); k++) {
      JsonNode a = Http.json(calls.get(k).get(60, TimeUnit.SECONDS));
      assertEquals(k % 2 == 0 ? "mnist-pruned" : "mnist-fp16", a.get("model").asText(), a.toString());
      biggest = Math.max(biggest, a.get("batch").asInt());
    }
    assertTrue(biggest > 1, "requests were batched");
    assertEquals(404, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + launcher.port + "/mux"))
        .header("serve_multiplexed_model_id", "gpt-9").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            new String(Json.encode(Map.of("image", data.image(0))))))).statusCode());
  }

  @Test
  void aPythonReplicaEvictsTheLeastRecentlyUsedModelAndLoadsEachOnce() {
    JsonNode lru = Http.json(http.get("/muxcheck?what=lru"));
    assertEquals("[]", lru.get("closed").toString(), "evicted b is held by the call that used it until it ends: " + lru);
    assertEquals("[\"a\",\"b\",\"c\"]", lru.get("loads").toString(), lru.toString());
    assertEquals("[\"b\"]", http.get("/muxcheck?what=closed").body(), "b, the least recently used, closed as that call ended");
    JsonNode once = Http.json(http.get("/muxcheck?what=once"));
    assertTrue(once.get("same").asBoolean(), once.toString());
    assertEquals(1, once.get("loads_of_x").asInt(), once.toString());
    assertEquals("[[\"p\",\"p\"],[\"q\",\"q\"],[\"r\",\"r\"]]", http.get("/muxcheck?what=whose").body());
  }

  @Test
  void batchedMethodsWorkThroughHandlesAndCallersGetTheirOwnItem() {
    JsonNode r = Http.json(http.get("/compat/batch?n=6"));
    assertEquals(6, r.size(), r.toString());
    int biggest = 0;
    for (int i = 0; i < 6; i++) {
      assertEquals(2 * i, r.get(i).get(0).asInt(), r.toString());
      biggest = Math.max(biggest, r.get(i).get(1).asInt());
    }
    assertTrue(biggest > 1, "calls through handles were batched together: " + r);
  }

  @Test
  void batchSizeFnMeasuresBatchesAndSetMaxBatchSizeChangesThemAtRunTime() {
    JsonNode r = Http.json(http.get("/compat/sized"));
    int most = 0;
    int together = 0;
    for (JsonNode a : r) {
      assertTrue(a.get(1).asInt() <= 6, "set_max_batch_size(6) bounds each batch's summed size: " + r);
      most = Math.max(most, a.get(1).asInt());
      together = Math.max(together, a.get(2).asInt());
    }
    assertTrue(together > 1, "words were batched together: " + r);
  }

  @Test
  void aBatchedGeneratorStreamsEachCallerItsOwnItems() {
    JsonNode r = Http.json(http.get("/compat/streams"));
    assertEquals(3, r.size(), r.toString());
    assertEquals(3, r.get(0).size(), r.toString());
    assertEquals(2, r.get(2).size(), "StopIteration ended the short one early: " + r);
    assertTrue(r.get(0).get(0).asText().startsWith("a0/") && r.get(1).get(2).asText().startsWith("b2/"), r.toString());
    assertTrue(r.get(0).get(0).asText().endsWith("/3"), "the three callers shared one batch: " + r);
  }

  @Test
  void mnistJobsRunAsynchronouslyThroughRaysTaskConsumerApi() throws Exception {
    MnistData data = MnistData.load();
    List<String> ids = new ArrayList<>();
    for (int job = 0; job < 4; job++) {
      List<float[][]> images = new ArrayList<>();
      for (int k = 0; k < 100; k++) images.add(data.image(data.trainCount + job * 100 + k));
      HttpResponse<String> r = http.post("/jobs/submit", new String(Json.encode(Map.of("images", images))));
      assertEquals(200, r.statusCode(), r.body());
      ids.add(Http.json(r).get("task_id").asText());
    }
    int correct = 0;
    for (int job = 0; job < ids.size(); job++) {
      String id = ids.get(job);
      dev.vserve.testing.Poll.until("job " + id, java.time.Duration.ofSeconds(60),
          () -> !Http.json(http.get("/jobs/status/" + id)).get("status").asText().matches("PENDING|STARTED"));
      JsonNode t = Http.json(http.get("/jobs/status/" + id));
      assertEquals("SUCCESS", t.get("status").asText(), t.toString());
      JsonNode labels = t.get("result").get("labels");
      for (int k = 0; k < 100; k++) if (labels.get(k).asInt() == data.label(data.trainCount + job * 100 + k)) correct++;
    }
    assertTrue(correct >= 380, "held-out accuracy of the jobs: " + correct + "/400");
    // the queue straight over HTTP: a job the handler refuses is retried twice, then a dead letter
    HttpResponse<String> bad = http.post("/-/tasks/mnist-py-jobs", "{\"task_name\": \"classify\", \"args\": [[]]}");
    assertEquals(202, bad.statusCode(), bad.body());
    JsonNode failed = Http.json(http.get("/-/tasks/" + Http.json(bad).get("task_id").asText() + "?timeout_s=30"));
    assertEquals("FAILURE", failed.get("status").asText(), failed.toString());
    assertEquals(3, failed.get("attempts").asInt(), failed.toString());
    assertTrue(failed.get("error").asText().contains("a job is a list"), failed.toString());
    assertEquals(1, Http.json(http.get("/-/queues/mnist-py-jobs-failed")).get("depth").asInt());
    HttpResponse<String> unfit = http.post("/-/tasks/mnist-py-jobs", "{\"task_name\": \"classify\", \"kwargs\": {\"imgs\": []}}");
    assertEquals(400, unfit.statusCode(), unfit.body());
    assertTrue(unfit.body().contains("'imgs'"), unfit.body());
    assertTrue(String.join("\n", launcher.child.lines).contains("adapter_config (CeleryAdapterConfig) replaced by vserve's task queues"), "the Celery settings are named in the log");
  }

  @Test
  void mnistFromPythonReachesTheJavaServicesAccuracy() throws Exception {
    MnistData data = MnistData.load();
    int n = data.testCount();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>(n);
    try (ExecutorService clients = Executors.newFixedThreadPool(64)) {
      for (int k = 0; k < n; k++) {
        int i = data.trainCount + k;
        answers.add(CompletableFuture.supplyAsync(() -> http.post("/mnist",
            new String(Json.encode(Map.of("image", data.image(i))))), clients));
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
      System.out.printf("MNIST (Python ingress) held-out accuracy through HTTP: %.4f (%d/%d)%n", accuracy, correct, n);
      assertTrue(accuracy >= 0.97, "accuracy " + accuracy);
    }
    // a batch request answers lists in order; bad shapes are a 400 naming the problem
    JsonNode both = Http.json(http.post("/mnist", new String(Json.encode(Map.of("image", List.of(data.image(0), data.image(1)))))));
    assertEquals(2, both.get("predicted_label").size());
    HttpResponse<String> shortRow = http.post("/mnist", "{\"image\": [[0.5, 0.5]]}");
    assertEquals(400, shortRow.statusCode());
    assertTrue(shortRow.body().contains("shape"), shortRow.body());
    HttpResponse<String> text = http.post("/mnist", "{\"image\": [[\"a\"]]}");
    assertEquals(400, text.statusCode(), text.body());
  }
}
