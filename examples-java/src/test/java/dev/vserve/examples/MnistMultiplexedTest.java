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

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model multiplexing in Java over real HTTP: model affinity across two replicas, one model per batch, handles. */
class MnistMultiplexedTest {
  static ServeNode node;
  static Http http;
  static MnistData data;

  @BeforeAll
  static void start() throws Exception {
    data = MnistData.load();
    node = Nodes.start();
    http = new Http(node.httpPort());
    Nodes.deploy(node, MnistMultiplexed.app, "mux", "/");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  private static HttpRequest.Builder predict(String model, int image) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/"))
        .header("serve_multiplexed_model_id", model)
        .POST(HttpRequest.BodyPublishers.ofString(new String(Json.encode(Map.of("image", data.image(image))))));
  }

  @Test
  void aModelsRequestsStayOnTheReplicaThatLoadedIt() {
    for (String model : List.of("mnist-fp16", "mnist-int8")) {
      List<String> replicas = new ArrayList<>();
      int correct = 0;
      for (int k = 0; k < 12; k++) {
        int i = data.trainCount + k;
        HttpResponse<String> r = http.send(predict(model, i));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = Http.json(r);
        assertEquals(model, a.get("model").asText());
        replicas.add(a.get("replica").asText());
        if (a.get("predicted_label").asInt() == data.label(i)) correct++;
      }
      assertTrue(correct >= 10, model + ": " + correct + "/12 right");
      // the router hears of the load at once; a request or two may still race it
      assertEquals(1, new HashSet<>(replicas.subList(3, 12)).size(), model + " moved between replicas: " + replicas);
    }
  }

  @Test
  void concurrentRequestsForTwoModelsAreBatchedModelByModel() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int k = 0; k < 64; k++) {
      String model = k % 2 == 0 ? "mnist-pruned" : "mnist";
      calls.add(CompletableFuture.supplyAsync(() -> http.send(predict(model, data.trainCount + 100 + (calls.size())))));
    }
    int biggest = 0;
    for (int k = 0; k < calls.size(); k++) {
      HttpResponse<String> r = calls.get(k).get(60, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode a = Http.json(r);
      // a batch runs one model: had it mixed them, some answers would come from the other model
      assertEquals(k % 2 == 0 ? "mnist-pruned" : "mnist", a.get("model").asText(), r.body());
      biggest = Math.max(biggest, a.get("batch").asInt());
    }
    assertTrue(biggest > 1, "requests were batched");
  }

  @Test
  void aHandleNamesItsModelAndAnUnknownModelIsA404() {
    MnistService.Images one = Json.convert(Map.of("image", data.image(data.trainCount)), MnistService.Images.class);
    Object a = node.handle("mux", "MnistMultiplexed").multiplexed("mnist-int8").method("predict").remote(one).await();
    assertEquals("mnist-int8", ((Map<?, ?>) a).get("model"));
    HttpResponse<String> unknown = http.send(predict("gpt-9", data.trainCount));
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("no model 'gpt-9'"), unknown.body());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20 && seen.size() < 2; i++) {
      JsonNode m = Http.json(http.get("/models"));
      seen.add(m.get("replica").asText());
      assertTrue(m.get("models").size() <= 2, "at most two models per replica: " + m);
    }
  }
}
