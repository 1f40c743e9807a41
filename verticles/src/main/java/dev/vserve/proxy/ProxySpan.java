package dev.vserve.proxy;

import dev.vserve.impl.Tracing;
import dev.vserve.impl.app.RouteTable;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.ext.web.RoutingContext;

/**
 * The root of a request's trace on the proxy ({@code proxy_http_request}): a child of the client's
 * W3C {@code traceparent} when it sent one, ended with the response, with the status and route.
 */
final class ProxySpan {
  private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private ProxySpan() {}

  /** The context that routing continues in (the root context when tracing is off). */
  static Context start(Tracing tracing, RoutingContext rc, RouteTable.Route route) {
    if (!tracing.on()) return Context.root();
    Span span = tracing.tracer().spanBuilder("proxy_http_request").setSpanKind(SpanKind.SERVER)
        .setParent(Tracing.extract(rc.request().getHeader("traceparent")))
        .setAttribute(HTTP_METHOD, rc.request().method().name()).setAttribute(PATH, rc.request().path())
        .setAttribute(Tracing.APPLICATION, route.app()).setAttribute(Tracing.DEPLOYMENT, route.ingress()).startSpan();
    rc.addEndHandler(v -> {
      int status = rc.response().getStatusCode();
      span.setAttribute(STATUS, (long) status);
      if (status >= 500) span.setStatus(StatusCode.ERROR);
      span.end();
    });
    return Context.root().with(span);
  }
}
