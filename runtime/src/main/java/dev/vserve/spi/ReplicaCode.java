package dev.vserve.spi;

import dev.vserve.Request;

/**
 * The user's code inside one replica, whatever its language: the replica verticle admits calls and
 * hands each to {@link #invoke} on a virtual thread of its own.
 */
public interface ReplicaCode extends AutoCloseable {
  /**
   * An HTTP request routed to this deployment as the application's ingress (Ray's
   * {@code handle_request}): runs it to completion and returns the {@link dev.vserve.Response} (or a
   * {@link dev.vserve.StreamingResponse} whose items follow). May block: it never runs on an event loop.
   */
  Object handleRequest(Request request, ReplicaCall call) throws Throwable;

  /**
   * A method called by name through a handle, with its arguments: runs it to completion and returns
   * its value (a {@link dev.vserve.StreamingResponse} for items that follow). May block.
   */
  Object call(String method, Object[] args, ReplicaCall call) throws Throwable;

  /** Dispatches an envelope to the entry point of its kind. */
  default Object invoke(ReplicaCall call) throws Throwable {
    if (call.isHttp()) return handleRequest((Request) call.args()[0], call);
    return call(call.method(), call.args() == null ? new Object[0] : call.args(), call);
  }

  /**
   * The call's answer when the method it reaches is non-blocking (it returns a {@code Future} or
   * {@code CompletionStage}, or is marked {@link dev.vserve.NonBlocking}): started on the calling
   * event loop, answered when the future completes. Null when the call must run on a thread that may
   * block ({@link #invoke}); the default, for code that never runs on an event loop.
   */
  default io.vertx.core.Future<Object> invokeNonBlocking(ReplicaCall call) {
    return null;
  }

  /** Whether {@link #invokeNonBlocking} takes this call (it reaches a non-blocking method); runs nothing. */
  default boolean isNonBlocking(ReplicaCall call) {
    return false;
  }

  /**
   * How long the code has been inside one step that interrupting the call's thread cannot stop (a
   * language host's own thread running guest code); 0 when idle or when calls run on their own threads.
   * A replica whose step outlasts the request timeout is stuck, and is replaced.
   */
  default long uninterruptibleNanos() {
    return 0;
  }

  /**
   * Bytes the code's current uninterruptible step has allocated so far (0 if unknown): what the
   * replica's memory watchdog weighs against its budget when the heap runs full.
   */
  default long stepAllocatedBytes() {
    return 0;
  }

  /** Whether the code has a health check of its own (Java {@code checkHealth()}, Python {@code check_health}). */
  default boolean hasHealthCheck() {
    return false;
  }

  /**
   * Runs the code's health check (Ray's {@code check_health}); it throws when the replica is unwell.
   * Called every {@code healthCheckPeriodS} on a thread of its own; may block.
   */
  default void checkHealth() throws Throwable {
  }

  /**
   * The code's own autoscaling figures (Java {@link dev.vserve.AutoscalingStats}, Python
   * {@code record_autoscaling_stats()}), or null when it reports none. Called every
   * {@code metrics_interval_s} on a thread of its own; may block.
   */
  default java.util.Map<String, Double> autoscalingStats() throws Throwable {
    return null;
  }

  /**
   * What the code says of itself for request routers (Java {@link dev.vserve.RoutingStats}, Python
   * {@code record_routing_stats()}), or null when it says nothing. Called every
   * {@code request_routing_stats_period_s} on a thread of its own; may block.
   */
  default java.util.Map<String, Object> routingStats() throws Throwable {
    return null;
  }

  /** Stops what the code is running now, at once (the replica is stuck or over its memory budget). */
  default void cancel() {
  }

  /** Stops batch collectors and releases the user object; waiting calls fail. */
  @Override
  void close();
}
