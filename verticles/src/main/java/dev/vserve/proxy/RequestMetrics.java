package dev.vserve.proxy;

import dev.vserve.impl.app.RouteTable;
import dev.vserve.metrics.ServeMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * The proxy's first handler: times every HTTP request from its head to its response's end, once, and
 * hands that to the node's metrics and, when it is on, the {@link AccessLog}, labelled with where the
 * request was routed ({@link #ROUTE}, set by the proxy).
 */
final class RequestMetrics implements Handler<RoutingContext> {
  /** The routing context's key for the application route a request went to. */
  static final String ROUTE = "vserve.route";
  /** Other methods count as OTHER: a client must not be able to create series at will. */
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
  private final ServeMetrics metrics;
  private final boolean accessLog;

  RequestMetrics(ServeMetrics metrics, boolean accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  @Override
  public void handle(RoutingContext rc) {
    long start = System.nanoTime();
    rc.addEndHandler(v -> {
      long nanos = System.nanoTime() - start;
      int status = rc.response().getStatusCode();
      String method = rc.request().method().name();
      RouteTable.Route r = rc.get(ROUTE);
      String app = r == null ? null : r.app();
      String deployment = r == null ? null : r.ingress();
      if (metrics.enabled()) metrics.http(app == null ? "" : app, deployment == null ? "" : deployment, r == null ? "" : r.prefix(),
          METHODS.contains(method) ? method : "OTHER",
          status, nanos);
      if (accessLog) AccessLog.write(rc, status, nanos, app, deployment);
    });
    rc.next();
  }
}
