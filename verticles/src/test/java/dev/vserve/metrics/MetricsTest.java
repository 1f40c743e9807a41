package dev.vserve.metrics;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Get;
import dev.vserve.ServeNode;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real node's {@code GET /-/metrics} after real traffic: the series and labels an operator scrapes. */
class MetricsTest {
  @Deployment(numReplicas = 2)
  public static class Svc {
    @Get("/ok")
    public String ok() {
      return "ok";
    }

    @Get("/boom")
    public String boom() {
      throw new IllegalStateException("boom");
    }

    @dev.vserve.Batch(maxBatchSize = 4, batchWaitTimeoutMs = 5)
    public java.util.List<String> twice(java.util.List<Integer> xs) {
      return xs.stream().map(x -> "b" + (2 * x)).toList();
    }
  }

  @Deployment
  public static class Metrics {
    /** An application at "/" with its own /metrics: vserve's stay at /-/metrics. */
    @Get("/metrics")
    public String metrics() {
      return "mine";
    }
  }

  /** Calls Svc through a handle, batches, streams, and records metrics of its own. */
  @Deployment
  public static class Busy {
    private final dev.vserve.DeploymentHandle svc;
    private final dev.vserve.Metrics.Counter served = dev.vserve.Metrics.counter("busy_served", "answers given", "kind");
    private final dev.vserve.Metrics.Histogram sizes = dev.vserve.Metrics.histogram("busy_payload_bytes", "payload sizes",
        java.util.List.of(10.0, 100.0, 1000.0));

    public Busy(dev.vserve.DeploymentHandle svc) {
      this.svc = svc;
      served.setDefaultTags(java.util.Map.of("kind", "plain"));
    }

    @Get("/call")
    public String call() {
      served.inc(1, java.util.Map.of("kind", "composed"));
      sizes.observe(42, java.util.Map.of());
      return svc.method("ok").remote().as(String.class).await();
    }

    @Get("/plain")
    public String plain() {
      served.inc();
      return "plain";
    }

    @Get("/bad")
    public String bad() {
      served.inc(1, java.util.Map.of("colour", "red"));
      return "unreachable";
    }

    @Get("/items")
    public java.util.stream.Stream<String> items() {
      return java.util.stream.Stream.of("a", "b", "c");
    }

    @Get("/batched")
    public String batched() {
      return svc.method("twice").remote(1).as(String.class).await();
    }
  }

  static ServeNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    Nodes.deploy(node, Application.bind(Svc.class), "svc", "/svc");
    Nodes.deploy(node, Application.bind(Metrics.class), "root", "/");
    Nodes.deploy(node, Application.bind(Busy.class, Application.bind(Svc.class)), "busy", "/busy");
    http = new Http(node.httpPort());
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  /** The value of the one sample whose line starts with {@code series} (name and labels, as Prometheus writes them). */
  private static double sample(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    assertTrue(m.find(), "no sample " + series + " in:\n" + scrape);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void httpAndReplicaSeriesCountRealTrafficWithTheirLabels() {
    for (int i = 0; i < 5; i++) assertEquals(200, http.get("/svc/ok").statusCode());
    assertEquals(500, http.get("/svc/boom").statusCode());
    assertEquals("\"mine\"", http.get("/metrics").body(), "the application's own /metrics is its own");
    HttpResponse<String> r = http.get("/-/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"), r.headers().toString());
    String s = r.body();
    assertEquals(5, sample(s, "vserve_http_requests_total{application=\"svc\",deployment=\"Svc\",method=\"GET\",route=\"/svc\",status_code=\"200\"}"));
    assertEquals(1, sample(s, "vserve_http_requests_total{application=\"svc\",deployment=\"Svc\",method=\"GET\",route=\"/svc\",status_code=\"500\"}"));
    assertEquals(5, sample(s, "vserve_http_request_duration_seconds_count{application=\"svc\",deployment=\"Svc\",method=\"GET\",route=\"/svc\",status_code=\"200\"}"));
    assertTrue(s.contains("vserve_http_request_duration_seconds_bucket{application=\"svc\",deployment=\"Svc\",method=\"GET\",route=\"/svc\",status_code=\"200\",le=\"0.001\"}"), s);
    // per replica: both replicas, calls by outcome, processing time, ongoing now
    Matcher ok = Pattern.compile("(?m)^vserve_replica_requests_total\\{application=\"svc\",deployment=\"Svc\",outcome=\"ok\",replica=\"([^\"]+)\"} ([0-9.]+)$").matcher(s);
    double okCalls = 0;
    int replicas = 0;
    while (ok.find()) {
      replicas++;
      okCalls += Double.parseDouble(ok.group(2));
    }
    assertEquals(2, replicas, "a series per replica:\n" + s);
    assertEquals(5, okCalls);
    assertTrue(s.matches("(?s).*vserve_replica_requests_total\\{application=\"svc\",deployment=\"Svc\",outcome=\"error\",replica=\"[^\"]+\"} 1\\.0.*"), s);
    assertTrue(s.contains("vserve_replica_processing_duration_seconds_count{application=\"svc\",deployment=\"Svc\",replica="), s);
    assertTrue(s.contains("vserve_replica_ongoing_requests{application=\"svc\",deployment=\"Svc\",replica="), s);
    // the JVM, and Vert.x's own (event bus, pools)
    assertTrue(s.contains("jvm_memory_used_bytes{"), "JVM metrics");
    assertTrue(s.contains("vertx_eventbus_processed_total{"), "Vert.x's event-bus metrics");
    assertTrue(s.contains("vertx_pool_"), "Vert.x's pool metrics");
    // the controller's view: replicas by state and the target, per deployment
    assertEquals(2, sample(s, "vserve_deployment_replicas{application=\"svc\",deployment=\"Svc\",state=\"RUNNING\"}"));
    assertEquals(2, sample(s, "vserve_deployment_target_replicas{application=\"svc\",deployment=\"Svc\"}"));
    assertEquals(0, sample(s, "vserve_router_queued_requests{application=\"svc\",deployment=\"Svc\"}"));
  }

  @Test
  void handleCallsBatchesStreamsAndTheUsersOwnMetrics() {
    for (int i = 0; i < 3; i++) assertEquals(200, http.get("/busy/call").statusCode());
    assertEquals(200, http.get("/busy/plain").statusCode());
    assertEquals(200, http.get("/busy/items").statusCode());
    assertEquals(200, http.get("/busy/batched").statusCode());
    HttpResponse<String> bad = http.get("/busy/bad");
    assertEquals(500, bad.statusCode());
    assertTrue(bad.body().contains("has no tag key 'colour'"), bad.body());
    String s = http.get("/-/metrics").body();
    assertEquals(3, sample(s, "vserve_handle_requests_total{application=\"busy\",deployment=\"Svc\",method=\"ok\"}"));
    assertTrue(s.matches("(?s).*busy_served_total\\{application=\"busy\",deployment=\"Busy\",kind=\"composed\",replica=\"[^\"]+\"} 3\\.0.*"), s);
    assertTrue(s.matches("(?s).*busy_served_total\\{application=\"busy\",deployment=\"Busy\",kind=\"plain\",replica=\"[^\"]+\"} 1\\.0.*"), s);
    assertTrue(s.contains("busy_payload_bytes_bucket{application=\"busy\",deployment=\"Busy\",replica="), s);
    assertTrue(s.contains("vserve_batch_size_count{application=\"busy\",deployment=\"Svc\",method=\"Svc.twice\""), s);
    assertTrue(s.contains("vserve_batch_wait_duration_seconds_count{application=\"busy\""), s);
    assertTrue(s.matches("(?s).*vserve_stream_items_total\\{application=\"busy\",deployment=\"Busy\",replica=\"[^\"]+\"} 3\\.0.*"), s);
    assertTrue(s.contains("vserve_stream_first_item_duration_seconds_count{application=\"busy\""), s);
  }

  /** Every series the repository's Grafana dashboard queries is in a real scrape (after traffic), so no panel is empty by a typo. */
  @Test
  void theGrafanaDashboardQueriesOnlySeriesTheNodeExports() throws Exception {
    for (int i = 0; i < 3; i++) http.get("/busy/call");
    String scrape = http.get("/-/metrics").body();
    var dashboard = dev.vserve.impl.Json.MAPPER.readTree(java.nio.file.Path.of("../grafana/vserve.json").toFile());
    java.util.Set<String> queried = new java.util.TreeSet<>();
    for (var panel : dashboard.get("panels")) {
      for (var target : panel.get("targets")) {
        Matcher m = Pattern.compile("\\b(vserve_[a-z_]+)").matcher(target.get("expr").asText());
        while (m.find()) queried.add(m.group(1));
      }
    }
    assertTrue(queried.size() >= 6, "the dashboard queries vserve's series: " + queried);
    for (String series : queried) {
      assertTrue(Pattern.compile("(?m)^" + series + "\\{").matcher(scrape).find(), "the dashboard queries " + series
          + ", which the node does not export:\n" + scrape);
    }
  }

  @Test
  void aNodeWithoutMetricsRecordsNothingAndSaysSo() {
    ServeNode off = Nodes.start(new dev.vserve.ServeOptions().setHttpPort(0).setMetricsEnabled(false));
    try {
      Nodes.deploy(off, Application.bind(Svc.class), "svc", "/svc");
      Http h = new Http(off.httpPort());
      assertEquals(200, h.get("/svc/ok").statusCode());
      HttpResponse<String> r = h.get("/-/metrics");
      assertEquals(404, r.statusCode());
      assertTrue(r.body().contains("MetricsOff"), r.body());
    } finally {
      Nodes.close(off);
    }
  }

  @Test
  void oneDiscoveryEndpointListsEveryNodesMetrics() {
    HttpResponse<String> r = http.get("/-/metrics/targets");
    assertEquals(200, r.statusCode());
    var sd = Http.json(r);
    assertEquals("127.0.0.1:" + node.httpPort(), sd.get(0).get("targets").get(0).asText(), r.body());
    assertEquals("/-/metrics", sd.get(0).get("labels").get("__metrics_path__").asText());
  }
}
