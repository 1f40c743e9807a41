package dev.vserve.examples.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.testing.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
class PythonExamplesTest extends OnExamplesLauncher {
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
}
