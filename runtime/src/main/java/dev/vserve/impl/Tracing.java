package dev.vserve.impl;

import dev.vserve.impl.call.Call;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.Future;

import java.util.Map;
import java.util.function.Function;

/**
 * A node's tracing (OpenTelemetry's API; the node installs the SDK when tracing is on): a span around
 * each routed call, whose W3C context travels in the call envelope to the replica, which continues the
 * trace there, on any node. Off, every method is a field read and a direct call.
 */
public final class Tracing {
  public static final Tracing OFF = new Tracing(OpenTelemetry.noop(), false);

  public static final AttributeKey<String> APPLICATION = AttributeKey.stringKey("vserve.application");
  public static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("vserve.deployment");
  public static final AttributeKey<String> REPLICA = AttributeKey.stringKey("vserve.replica");
  public static final AttributeKey<String> METHOD = AttributeKey.stringKey("vserve.method");

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapSetter<Map<String, String>> PUT = (m, k, v) -> m.put(k, v);
  private static final TextMapGetter<String> ONE = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return java.util.List.of("traceparent");
    }

    @Override
    public String get(String carrier, String key) {
      return "traceparent".equals(key) ? carrier : null;
    }
  };

  private final Tracer tracer;
  private final boolean on;

  public Tracing(OpenTelemetry otel, boolean on) {
    this.tracer = otel.getTracer("dev.vserve");
    this.on = on;
  }

  public boolean on() {
    return on;
  }

  public Tracer tracer() {
    return tracer;
  }

  /**
   * Sends {@code call} under a span {@code name} (a child of {@code parent}) that ends when the answer
   * (or failure) comes; the call carries the span's context to the replica.
   */
  public Future<Object> route(String name, Context parent, String app, String deployment, String method, Call call,
                              Function<Call, Future<Object>> send) {
    if (!on) return send.apply(call);
    Span span = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.CLIENT)
        .setAttribute(APPLICATION, app).setAttribute(DEPLOYMENT, deployment).setAttribute(METHOD, method).startSpan();
    Future<Object> answer;
    try {
      answer = send.apply(call.withTraceparent(traceparent(Context.root().with(span))));
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      span.end();
      throw e;
    }
    return answer.onComplete(ar -> {
      if (ar.failed()) span.setStatus(StatusCode.ERROR, String.valueOf(ar.cause().getMessage()));
      span.end();
    });
  }

  /** The W3C {@code traceparent} of a context's span. */
  public static String traceparent(Context context) {
    Map<String, String> carrier = new java.util.HashMap<>(2);
    W3C.inject(context, carrier, PUT);
    return carrier.get("traceparent");
  }

  /** The context a {@code traceparent} names (the root context when there is none, or it is malformed). */
  public static Context extract(String traceparent) {
    if (traceparent == null || traceparent.isEmpty()) return Context.root();
    return W3C.extract(Context.root(), traceparent, ONE);
  }
}
