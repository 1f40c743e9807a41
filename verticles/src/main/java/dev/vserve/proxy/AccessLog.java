package dev.vserve.proxy;

import dev.vserve.impl.app.RouteTable;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One INFO line per HTTP request, written when its response has gone out: method, path, status,
 * latency, request id and the application and ingress deployment it was routed to (as fields, which
 * the command line's log format prints as {@code key=value} or JSON). Off unless
 * {@code ServeOptions.setAccessLog(true)} ({@code vserve run} turns it on; {@code --no-access-log} off).
 */
final class AccessLog {
  static final String APP = "vserve.route";
  private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());

  private AccessLog() {}

  /** The proxy's first handler: stamps the start and logs at the end. */
  static void record(RoutingContext rc) {
    long start = System.nanoTime();
    rc.addEndHandler(v -> {
      if (!LOG.isLoggable(Level.INFO)) return;
      double ms = (System.nanoTime() - start) / 1e6;
      int status = rc.response().getStatusCode();
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("status", status);
      fields.put("latency_ms", Math.round(ms * 100) / 100.0);
      fields.put("request_id", rc.response().headers().get("x-request-id"));
      if (rc.get(APP) instanceof RouteTable.Route r) {
        fields.put("app", r.app());
        fields.put("deployment", r.ingress());
      }
      LogRecord line = new LogRecord(Level.INFO, rc.request().method().name() + " " + rc.request().path());
      line.setLoggerName(LOG.getName());
      line.setParameters(new Object[] {fields});
      LOG.log(line);
    });
    rc.next();
  }
}
