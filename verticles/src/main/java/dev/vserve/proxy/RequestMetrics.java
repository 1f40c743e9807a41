package dev.vserve.proxy;

import dev.vserve.impl.app.RouteTable;
import dev.vserve.metrics.ServeMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/** Times every HTTP request from its head to its response's end, labelled with where it was routed. */
final class RequestMetrics implements Handler<RoutingContext> {
  /** Other methods count as OTHER: a client must not be able to create series at will. */
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
  private final ServeMetrics metrics;

  RequestMetrics(ServeMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext rc) {
    long start = System.nanoTime();
    rc.addEndHandler(v -> {
      String method = rc.request().method().name();
      RouteTable.Route r = rc.get(AccessLog.APP);
      metrics.http(r == null ? "" : r.app(), r == null ? "" : r.ingress(), METHODS.contains(method) ? method : "OTHER",
          rc.response().getStatusCode(), System.nanoTime() - start);
    });
    rc.next();
  }
}
