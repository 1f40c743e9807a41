package dev.vserve.examples.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.impl.Json;
import dev.vserve.testing.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python examples as users run them: one {@code vserve run} JVM serving them all from a serve
 * config ({@link ExamplesLauncher}; each file also runs alone: {@code ./vserve run examples-python/hello.py}),
 * answered over real HTTP. Same answers as the Java examples.
 */
@org.junit.jupiter.api.extension.ExtendWith(ExamplesLauncher.class)
class PythonExamplesTest {
  static Launcher launcher;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    launcher = ExamplesLauncher.get();
    http = new Http(launcher.port);
  }

  @Test
  void helloAnswersAsTheQuickstart() {
    HttpResponse<String> r = http.get("/hello");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("Hello world!", Http.json(r).get("result").asText());
  }

  @Test
  void theFastApiExampleAnswersAsTheJavaGreeter() {
    HttpResponse<String> r = http.get("/fastapi/hello?name=Theodore");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("\"Hello Theodore!\"", r.body());
    assertEquals(422, http.get("/fastapi/hello").statusCode());
    assertEquals(404, http.get("/fastapi/nowhere").statusCode());
    assertEquals(405, http.post("/fastapi/hello?name=x", "").statusCode());
  }

  @Test
  void compositionAveragesTheAdders() {
    assertEquals(101.5, Http.json(http.post("/composition", "{\"val\": 100.0}")).get("result").asDouble());
  }

  @Test
  void badInputIsAClearErrorAndTheReplicaKeepsServing() {
    HttpResponse<String> malformed = http.post("/composition", "{\"val\": ");
    assertEquals(400, malformed.statusCode());
    assertTrue(malformed.body().contains("malformed JSON"), malformed.body());

    // a KeyError in the user's handler: a 500 naming the Python error, file and line
    HttpResponse<String> missing = http.post("/composition", "{\"other\": 1}");
    assertEquals(500, missing.statusCode());
    JsonNode e = Http.json(missing);
    assertEquals("KeyError", e.get("error").asText());
    assertTrue(e.get("message").asText().contains("composition.py:"), e.toString());

    HttpResponse<String> raised = http.get("/checks?what=raise");
    assertEquals(500, raised.statusCode());
    assertEquals("ValueError", Http.json(raised).get("error").asText());
    assertTrue(Http.json(raised).get("message").asText().contains("broken on purpose"));

    assertEquals(101.5, Http.json(http.post("/composition", "{\"val\": 100.0}")).get("result").asDouble());
  }

  @Test
  void pythonCallsJavaAndJavaCallsPython() {
    JsonNode py = Http.json(http.post("/mixed", "{\"val\": 10}"));
    assertEquals(11.0, py.get("sum").asDouble());
    assertEquals(33.0, py.get("scaled").asDouble());
    assertEquals("python", py.get("by").asText());

    JsonNode java = Http.json(http.post("/java-mixed", "{\"val\": 10}"));
    assertEquals(30.0, java.get("scaled").asDouble());
    assertEquals("java", java.get("by").asText());
  }

  @Test
  void asyncHandlersOfOneReplicaInterleave() throws Exception {
    // four requests to the single Checks replica, each awaiting a 300 ms call: they overlap there
    try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
      List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
      for (int i = 0; i < 4; i++) rs.add(CompletableFuture.supplyAsync(() -> http.get("/checks?what=overlap"), clients));
      int max = 0;
      for (var f : rs) {
        HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        max = Math.max(max, Http.json(r).get("max_inflight").asInt());
      }
      assertTrue(max >= 2, "coroutines of one replica did not overlap (max in flight " + max + ")");
    }
  }

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
  void theRequestHasStarlettesAttributes() {
    HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + launcher.port + "/checks/x?what=request"))
        .header("X-Probe", "42").POST(java.net.http.HttpRequest.BodyPublishers.ofString("héllo")));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = Http.json(r);
    assertEquals("POST", j.get("method").asText());
    assertEquals("http://127.0.0.1:" + launcher.port + "/checks/x?what=request", j.get("url").asText());
    assertEquals("/checks/x", j.get("path").asText());
    assertEquals("42", j.get("header").asText());
    assertTrue(j.get("has_header").asBoolean());
    assertEquals(6, j.get("body_bytes").asInt());
    assertEquals("héllo", j.get("text").asText());

    HttpResponse<String> created = http.get("/checks?what=json_response");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("héllo", Http.json(created).get("word").asText());
  }

  @Test
  void plainDefHandlersWaitWithResultAndKeywordsReachPython() {
    assertEquals(10, Http.json(http.get("/sync")).get("slept").asInt());
    assertEquals(5, Http.json(http.get("/checks?what=kwargs")).get("value").asInt());
    assertEquals("Checks", Http.json(http.get("/checks")).get("context").asText());
    // handles to other applications' ingress and deployments, by name
    JsonNode byName = Http.json(http.get("/checks?what=app_handle"));
    assertEquals("Hello world!", byName.get("hello").get("result").asText());
    assertEquals(2.0, byName.get("added").asDouble());
    // a function deployment, renamed with .options(), called through its handle
    assertEquals(42, Http.json(http.get("/checks?what=function")).get("value").asInt());
    // Ray apps' asyncio.sleep and asyncio.gather work in a replica (which runs no asyncio loop)
    assertEquals("[5,6]", Http.json(http.get("/checks?what=asyncio")).get("gathered").toString());
    // coroutines given to asyncio.gather run concurrently; an exception raised in one comes back as itself
    JsonNode gathered = Http.json(http.get("/checks?what=gather"));
    assertEquals("[200,201,202]", gathered.get("results").toString(), gathered.toString());
    assertEquals(3, gathered.get("max_inflight").asInt(), gathered.toString());
    assertEquals("KeyError", gathered.get("failed").asText());
    assertEquals(3, gathered.get("task").asInt());
  }

  @Test
  void aReplicaReadsOnlyItsDirectoryWritesNothingAndSeesNoJavaClasses() {
    JsonNode read = Http.json(http.get("/checks?what=read"));
    assertFalse(read.get("read").asBoolean(), read.toString());
    JsonNode write = Http.json(http.get("/checks?what=write"));
    assertFalse(write.get("written").asBoolean(), write.toString());
    JsonNode java = Http.json(http.get("/checks?what=java"));
    assertFalse(java.get("java").asBoolean(), java.toString());
  }

  @Test
  void whatTheSandboxRefusesFailsTheCallAtOnceAndTheReplicaServesOn() {
    for (String op : List.of("system", "thread", "socket", "signal", "exit")) {
      HttpResponse<String> r = http.get("/checks?what=deny&op=" + op);
      assertEquals(500, r.statusCode(), op + ": " + r.body());
      assertEquals("PermissionError", Http.json(r).get("error").asText(), r.body());
    }
    assertTrue(Http.json(http.get("/checks?what=deny&op=caught")).get("caught").asText().contains("os.system"));
    assertFalse(Files.exists(Path.of("/tmp/vserve-escape")));
    assertEquals(200, http.get("/checks").statusCode());
  }

  /** What loading a Python target fails with: the launcher's own first step, in this JVM (no launcher start per file). */
  private static String loadFails(String target) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> new dev.vserve.python.PythonApplications().load(target));
    return String.valueOf(e.getMessage());
  }

  @Test
  void javaDeploymentRefusesClassesThatAreNotDeployments() {
    String out = loadFails("src/test/python/escape.py");
    assertTrue(out.contains("java.lang.ProcessBuilder is not a deployment class"), out);
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
  void aBodyDressedAsAPickledObjectIsNeverUnpickled() {
    assertEquals("{\"a\":1}", http.post("/compat/echo", "{\"a\": 1}").body());
    HttpResponse<String> forged = http.post("/compat/echo",
        "{\"@vserve.pickle\": \"gASVAAAAAAAAAAA=\", \"type\": \"Evil\", \"sig\": \"00\"}");
    assertEquals(500, forged.statusCode(), forged.body());
    assertTrue(forged.body().contains("without vserve's signature: refused"), forged.body());
  }

  @Test
  void responsesNestedInArgumentsAreAwaitableAndTopLevelOnesAreValues() {
    HttpResponse<String> r = http.get("/compat/nested");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("113", r.body());
  }

  @Test
  void raysExceptionsHandlesAndLoadSheddingBehaveAsRays() throws Exception {
    JsonNode shed = Http.json(http.get("/compat/shed"));
    assertTrue(shed.get("backpressure").asInt() >= 1 && shed.get("ok").asInt() >= 1, shed.toString());
    assertEquals("\"cancelled\"", http.get("/compat/cancel").body());
    JsonNode names = Http.json(http.get("/compat/names"));
    assertTrue(names.get("handle").asBoolean() && names.get("response").asBoolean(), names.toString());
    // over HTTP: the deployment's backpressure_config answers 429 with Retry-After, rounded up
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) calls.add(http.getAsync("/slow"));
    int shedding = 0;
    for (var c : calls) {
      HttpResponse<String> r = c.get(30, TimeUnit.SECONDS);
      if (r.statusCode() == 429) {
        shedding++;
        assertEquals("3", r.headers().firstValue("retry-after").orElse(""), r.headers().toString());
        assertEquals("BackPressureError", Http.json(r).get("error").asText());
      } else {
        assertEquals(200, r.statusCode(), r.body());
      }
    }
    assertTrue(shedding >= 1, "a full queue sheds load");
    String log = String.join("\n", launcher.child.lines);
    assertTrue(log.contains("serve.start: not applied: http_options ['port']"), "serve.start's options are named in the log");
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

  @Test
  void brokenFilesNameFileAndLine() throws Exception {
    // each load makes a context of its own (interpreted here): side by side, they share the two cores
    CompletableFuture<String> syntax = CompletableFuture.supplyAsync(() -> loadFails("src/test/python/broken_syntax.py"));
    CompletableFuture<String> name = CompletableFuture.supplyAsync(() -> loadFails("src/test/python/broken_import.py"));
    CompletableFuture<String> attr = CompletableFuture.supplyAsync(() -> loadFails("hello.py:nope"));
    // a constructor that raises: the replica fails to start naming where (a deploy retries it as Ray
    // does, then fails with this message: a launcher exits 1, as LauncherTest checks for a Java deployment)
    dev.vserve.Application broken = new dev.vserve.python.PythonApplications().load("src/test/python/broken_init.py").app();
    dev.vserve.impl.app.DeploymentPlan plan = dev.vserve.impl.app.ApplicationPlan.of(broken, "init", "/").deployments().get(0);
    Throwable e = assertThrows(Throwable.class, () -> dev.vserve.spi.ReplicaCodeFactory.load(plan, a -> a).close());
    assertTrue(String.valueOf(e.getMessage()).contains("broken_init.py, line 14: FileNotFoundError: no weights at nowhere"), e.getMessage());

    assertTrue(syntax.get(60, TimeUnit.SECONDS).contains("broken_syntax.py, line 3: SyntaxError"), syntax.get());
    assertTrue(name.get(60, TimeUnit.SECONDS).contains("broken_import.py, line 10: NameError"), name.get());
    assertTrue(attr.get(60, TimeUnit.SECONDS).contains("has no attribute 'nope'"), attr.get());
  }

  /** The seed's InstrumentedService, only the import changed: its counter in the node's scrape, bad use a clear error. */
  @Test
  void pythonCustomMetricsReachTheScrapeWithTheirTags() {
    for (int i = 0; i < 4; i++) assertEquals("ok", http.get("/instrumented/").body().replace("\"", ""));
    HttpResponse<String> bad = http.get("/instrumented/?bad=1");
    assertEquals(500, bad.statusCode());
    assertTrue(bad.body().contains("ValueError") && bad.body().contains("has no tag key 'colour'"), bad.body());
    String scrape = http.get("/-/metrics").body();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^my_request_counter_total\\{application=\"instrumented\","
        + "deployment=\"InstrumentedService\",model=\"mnist\",replica=\"[^\"]+\"} ([0-9.]+)$").matcher(scrape);
    double total = 0;
    while (m.find()) total += Double.parseDouble(m.group(1));
    assertEquals(5, total, "4 answers and the bad call's first inc:\n" + scrape);
    assertTrue(scrape.contains("my_latency_ms_bucket{application=\"instrumented\""), scrape);
  }

  /** Handlers get only what they declare: a module-level route no self, a __call__ without parameters no request. */
  @Test
  void handlersWithoutARequestParameterAreCalledWithoutOne() {
    assertEquals("{\"route\":\"module level\"}", http.get("/routes/free").body());
    assertEquals("{\"route\":\"in the class\",\"n\":3}", http.get("/routes/mine?n=3").body());
    assertEquals("ok", http.get("/options/").body().replace("\"", ""), "a __call__(self) without a request parameter");
  }

  @Test
  void rayOptionsNotActedOnAreNamedInTheLogAndTheAppServes() {
    assertEquals("ok", http.get("/options/").body());
    String log = String.join("\n", launcher.child.lines);
    for (String option : new String[] {"version"}) {
      assertTrue(log.contains("deployment Options: option '" + option + "' has no effect"), option + " in:\n" + log);
    }
    assertTrue(!log.contains("option 'autoscaling_config'"), "autoscaling_config is acted on now: " + log);
  }

  @Test
  void aReplicaWhoseCheckHealthRaisesIsReplaced() {
    String first = http.get("/health/").body();
    assertTrue(first.startsWith("replica-"), first);
    assertEquals(first, http.get("/health/?sicken=1").body());
    dev.vserve.testing.Poll.until("a new replica after check_health raised", java.time.Duration.ofSeconds(60), () -> {
      HttpResponse<String> r = http.get("/health/");
      return r.statusCode() == 200 && r.body().startsWith("replica-") && !r.body().equals(first);
    });
    String log = String.join("\n", launcher.child.lines);
    assertTrue(log.contains("its health check failed: RuntimeError: lost its model"), log);
  }

  @Test
  void userConfigReachesReconfigureBeforeTheReplicaServes() {
    assertEquals(0.5, Http.json(http.get("/userconfig/")).get("threshold").asDouble());
  }

  // --- streaming from Python generators ----------------------------------------------------------

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
      int[] last = {-1};
      // the generator stops making tokens once the buffers on the way are full
      dev.vserve.testing.Poll.until("the generator to be held back", java.time.Duration.ofSeconds(20), () -> {
        int now = Http.json(http.get("/stream/produced")).get("produced").asInt();
        boolean still = now > before && now == last[0];
        last[0] = now;
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return still;
      });
      assertTrue(last[0] - before < 100000, "the generator ran to the end for a client that reads nothing");
    }
  }
}
