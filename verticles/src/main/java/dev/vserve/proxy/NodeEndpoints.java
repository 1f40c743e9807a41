package dev.vserve.proxy;

import dev.vserve.controller.ControllerVerticle;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.cluster.NodeInfo;
import dev.vserve.impl.router.DeploymentRouter;
import dev.vserve.metrics.ClusterGauges;
import dev.vserve.metrics.ServeMetrics;
import dev.vserve.node.NodeAgentVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's own read-only endpoints on the proxy, under {@code /-/} (before any application's
 * routes): metrics and their service discovery, health, routes and the cluster's status.
 */
final class NodeEndpoints {
  private NodeEndpoints() {}

  static void mount(Router router, Vertx vertx, NodeContext node, ServeMetrics metrics) {
    // Prometheus' text format, taken off the event loop (a large registry takes a while to write)
    router.get("/-/metrics").handler(rc -> {
      if (!metrics.enabled()) {
        ProxyVerticle.writeError(rc.response(), ProxyVerticle.requestId(rc.request()), 404, "MetricsOff",
            "this node runs without metrics (--no-metrics / ServeOptions.setMetricsEnabled(false))");
        return;
      }
      List<ClusterGauges.RouterRow> queued = new ArrayList<>();
      for (DeploymentRouter r : node.routers()) queued.add(new ClusterGauges.RouterRow(r.app(), r.deployment(), r.queued()));
      metrics.cluster().routers(queued);
      List<ClusterGauges.TaskQueueRow> queues = new ArrayList<>();
      for (var q : node.routes().queues()) {
        queues.add(new ClusterGauges.TaskQueueRow(q.name(), q.app(), q.deployment(), node.tasks().lastDepth(q.name()),
            node.tasks().lastInFlight(q.name())));
      }
      metrics.cluster().taskQueues(queues);
      vertx.executeBlocking(metrics::scrape).onComplete(ar -> {
        if (ar.succeeded()) rc.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
        else ProxyVerticle.writeError(rc.response(), ProxyVerticle.requestId(rc.request()), 500, "MetricsFailed", String.valueOf(ar.cause().getMessage()));
      });
    });
    // Prometheus' http_sd: every node's metrics URL, so one scrape job covers the cluster
    router.get("/-/metrics/targets").handler(rc -> targets(vertx, rc));
    // a live page of the cluster and this node's traffic; its files are in the jar (uPlot vendored at build time)
    router.get("/-/dashboard").handler(rc -> dashboardFile(rc, "index.html"));
    router.get("/-/dashboard/:file").handler(rc -> dashboardFile(rc, rc.pathParam("file")));
    router.get("/-/healthz").handler(rc -> rc.response().putHeader("content-type", "text/plain").end("success"));
    router.get("/-/routes").handler(rc -> {
      Map<String, String> routes = new LinkedHashMap<>();
      for (RouteTable.Route r : node.routes().routes()) routes.put(r.prefix(), r.app());
      rc.response().putHeader("content-type", "application/json").end(Buffer.buffer(Json.encode(routes)));
    });
    // the cluster as the controller sees it (nodes, applications, replicas): what `vserve status` prints
    router.get("/-/status").handler(rc -> vertx.eventBus()
        .request(ControllerVerticle.STATUS, "", new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(5_000))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            rc.response().putHeader("content-type", "application/json").end(Buffer.buffer(Json.encode(ar.result().body())));
          } else {
            ProxyVerticle.writeError(rc.response(), ProxyVerticle.requestId(rc.request()), 503, "NoController",
                "the controller did not answer: " + ar.cause().getMessage());
          }
        }));
  }

  private static final Map<String, String> DASHBOARD = Map.of("index.html", "text/html; charset=utf-8",
      "dashboard.js", "text/javascript; charset=utf-8", "uPlot.iife.min.js", "text/javascript; charset=utf-8",
      "uPlot.min.css", "text/css; charset=utf-8");
  private static final Map<String, Buffer> DASHBOARD_FILES = new java.util.concurrent.ConcurrentHashMap<>();

  private static void dashboardFile(RoutingContext rc, String name) {
    String type = DASHBOARD.get(name);
    Buffer body = type == null ? null : DASHBOARD_FILES.computeIfAbsent(name, n -> {
      try (var in = NodeEndpoints.class.getResourceAsStream("/dev/vserve/dashboard/" + n)) {
        return in == null ? Buffer.buffer() : Buffer.buffer(in.readAllBytes());
      } catch (java.io.IOException e) {
        return Buffer.buffer();
      }
    });
    if (body == null || body.length() == 0) {
      ProxyVerticle.writeError(rc.response(), ProxyVerticle.requestId(rc.request()), 404, "NotFound", "no dashboard file " + name);
      return;
    }
    rc.response().putHeader("content-type", type).putHeader("cache-control", "no-cache").end(body);
  }

  private static void targets(Vertx vertx, RoutingContext rc) {
    vertx.sharedData().<String, String>getAsyncMap(NodeAgentVerticle.NODES_MAP).compose(m -> m.values()).onComplete(ar -> {
      if (ar.failed()) {
        ProxyVerticle.writeError(rc.response(), ProxyVerticle.requestId(rc.request()), 503, "NoNodes", String.valueOf(ar.cause().getMessage()));
        return;
      }
      List<String> targets = new ArrayList<>();
      for (String json : ar.result()) {
        NodeInfo n = Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), NodeInfo.class, "node info");
        if (n.httpPort() > 0) targets.add(n.host() + ":" + n.httpPort());
      }
      targets.sort(null);
      Object sd = List.of(Map.of("targets", targets, "labels", Map.of("__metrics_path__", "/-/metrics", "job", "vserve")));
      rc.response().putHeader("content-type", "application/json").end(Buffer.buffer(Json.encode(sd)));
    });
  }
}
