package dev.vserve.impl.call;

import dev.vserve.Request;

/**
 * The envelope of one call to a replica. In one JVM it travels by reference; across nodes the codec
 * writes it as JSON and the replica converts {@code args} to the parameter types of the method.
 *
 * @param kind       an HTTP request for the ingress, or a method called by name through a handle
 * @param method     the method called (null for an HTTP request)
 * @param args       the method's arguments; for an HTTP request, the one {@link Request}
 * @param deadlineMs wall-clock millis after which the caller has given up (0: none)
 * @param idempotent the caller allows running it twice: lost with a node, it is retried once elsewhere
 * @param traceparent the W3C trace context of the span that routed the call (null: not traced)
 */
public record Call(
    Kind kind,
    String requestId,
    String method,
    Object[] args,
    String multiplexedModelId,
    long deadlineMs,
    String callerNode,
    boolean idempotent,
    String traceparent) implements dev.vserve.spi.ReplicaCall {

  /** The two entry points of a replica (Ray's {@code handle_request} and a handle's method call). */
  public enum Kind { HTTP, METHOD }

  /** An HTTP request the proxy routes to an application's ingress. */
  public static Call http(String requestId, Request request, String multiplexedModelId, long deadlineMs,
                          String callerNode, boolean idempotent) {
    return new Call(Kind.HTTP, requestId, null, new Object[] {request}, multiplexedModelId, deadlineMs, callerNode, idempotent, null);
  }

  /** A method called by name through a handle. */
  public static Call method(String requestId, String method, Object[] args, long deadlineMs, String callerNode) {
    return new Call(Kind.METHOD, requestId, method, args, null, deadlineMs, callerNode, false, null);
  }

  /** This call for the multiplexed model {@code modelId} (null: none). */
  public Call withMultiplexedModelId(String modelId) {
    return new Call(kind, requestId, method, args, modelId, deadlineMs, callerNode, idempotent, traceparent);
  }

  /** This call carrying the trace context of the span that routes it. */
  public Call withTraceparent(String context) {
    return new Call(kind, requestId, method, args, multiplexedModelId, deadlineMs, callerNode, idempotent, context);
  }

  @Override
  public boolean isHttp() {
    return kind == Kind.HTTP;
  }

  /** What the call is, for logs: the HTTP method and path, or the method's name. */
  public String target() {
    return isHttp() && args[0] instanceof Request r ? r.method() + " " + r.path() : method;
  }
}
