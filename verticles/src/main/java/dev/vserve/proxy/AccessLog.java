package dev.vserve.proxy;

import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One INFO line per HTTP request, written when its response has gone out: method and path, then
 * status, latency, request id and the application and ingress deployment it was routed to as fields
 * (which the command line's log format prints as {@code key=value} or JSON). Off unless
 * {@code ServeOptions.setAccessLog(true)} ({@code vserve run} turns it on; {@code --no-access-log} off);
 * {@link RequestMetrics} times the request and calls it.
 */
final class AccessLog {
  private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());

  private AccessLog() {}

  static void write(RoutingContext rc, int status, long nanos, String app, String deployment) {
    if (!LOG.isLoggable(Level.INFO)) return;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", status);
    fields.put("latency_ms", Math.round(nanos / 10_000.0) / 100.0);
    fields.put("request_id", rc.response().headers().get("x-request-id"));
    if (app != null) {
      fields.put("app", app);
      fields.put("deployment", deployment);
    }
    LogRecord line = new LogRecord(Level.INFO, rc.request().method().name() + " " + rc.request().path());
    line.setLoggerName(LOG.getName());
    line.setParameters(new Object[] {fields});
    LOG.log(line);
  }
}
