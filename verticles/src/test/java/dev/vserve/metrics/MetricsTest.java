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
  }

  @Deployment
  public static class Metrics {
    /** An application at "/" with its own /metrics: vserve's stay at /-/metrics. */
    @Get("/metrics")
    public String metrics() {
      return "mine";
    }
  }

  static ServeNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    Nodes.deploy(node, Application.bind(Svc.class), "svc", "/svc");
    Nodes.deploy(node, Application.bind(Metrics.class), "root", "/");
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
    assertEquals(5, sample(s, "vserve_http_requests_total{application=\"svc\",deployment=\"Svc\",method=\"GET\",status_code=\"200\"}"));
    assertEquals(1, sample(s, "vserve_http_requests_total{application=\"svc\",deployment=\"Svc\",method=\"GET\",status_code=\"500\"}"));
    assertEquals(5, sample(s, "vserve_http_request_duration_seconds_count{application=\"svc\",deployment=\"Svc\",method=\"GET\",status_code=\"200\"}"));
    assertTrue(s.contains("vserve_http_request_duration_seconds_bucket{application=\"svc\",deployment=\"Svc\",method=\"GET\",status_code=\"200\",le=\"0.001\"}"), s);
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
    // the JVM
    assertTrue(s.contains("jvm_memory_used_bytes{"), "JVM metrics");
  }
}
