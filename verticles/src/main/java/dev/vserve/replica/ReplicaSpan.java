package dev.vserve.replica;

import dev.vserve.impl.Tracing;
import dev.vserve.impl.call.Call;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * A replica's span for one call ({@code replica_handle_request}), a child of the span that routed it
 * (its context came in the call), current on the thread that runs the user's code, so that the
 * handle calls it makes continue the trace. {@link #NONE} when tracing is off.
 */
final class ReplicaSpan {
  static final ReplicaSpan NONE = new ReplicaSpan(null, null);

  private final Span span;
  private Scope scope;

  private ReplicaSpan(Span span, Scope scope) {
    this.span = span;
    this.scope = scope;
  }

  static ReplicaSpan start(Tracing tracing, Call call, String app, String deployment, String replica) {
    if (!tracing.on()) return NONE;
    Span span = tracing.tracer().spanBuilder("replica_handle_request").setSpanKind(SpanKind.SERVER)
        .setParent(Tracing.extract(call.traceparent()))
        .setAttribute(Tracing.APPLICATION, app).setAttribute(Tracing.DEPLOYMENT, deployment).setAttribute(Tracing.REPLICA, replica)
        .setAttribute(Tracing.METHOD, call.isHttp() ? "__call__" : call.method()).startSpan();
    return new ReplicaSpan(span, span.makeCurrent());
  }

  /** The code's synchronous part is over (a non-blocking call): the span stays open, no longer current here. */
  void leave() {
    if (scope != null) scope.close();
    scope = null;
  }

  void end(Throwable failure) {
    if (span == null) return;
    leave();
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end();
  }
}
