package dev.vserve.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Time limits on what a client sends, so slow or idle clients cannot hold connections without end:
 * a request head must be complete within {@code headerTimeoutMs} of the connection opening or of the
 * previous response (keep-alive), and its body within {@code bodyTimeoutMs} of the head. A body too
 * slow is answered 408; a head too slow closes the connection (there is no request to answer yet).
 * While a request runs in a replica no limit of this class applies (the request timeout does).
 *
 * <p>One sweep a second per proxy instance instead of a timer per request: a request only stamps its
 * connection's state. Everything runs on the proxy instance's event loop.
 */
final class ConnectionGuard {
  private static final long SWEEP_MS = 1_000;

  private enum Phase { HEAD, BODY, BUSY }

  private static final class State {
    Phase phase = Phase.HEAD;
    long since = System.nanoTime();
    HttpServerRequest request;
    /** Answered before its body was all read (an early error): the connection waits for the rest, or times out. */
    boolean answered;
  }

  private final long headerTimeoutNanos;
  private final long bodyTimeoutNanos;
  private final Consumer<HttpServerRequest> onSlowBody;
  private final Map<HttpConnection, State> connections = new HashMap<>();
  private final long sweeper;
  private final Vertx vertx;
  /** Set when the node stops: responses say {@code Connection: close}, idle connections close. */
  private boolean draining;

  ConnectionGuard(Vertx vertx, long headerTimeoutMs, long bodyTimeoutMs, Consumer<HttpServerRequest> onSlowBody) {
    this.vertx = vertx;
    this.headerTimeoutNanos = headerTimeoutMs * 1_000_000;
    this.bodyTimeoutNanos = bodyTimeoutMs * 1_000_000;
    this.onSlowBody = onSlowBody;
    this.sweeper = vertx.setPeriodic(SWEEP_MS, t -> sweep());
  }

  void opened(HttpConnection conn) {
    connections.put(conn, new State());
    conn.closeHandler(v -> connections.remove(conn));
  }

  /** A request head arrived; the connection waits for the next head once this response is out. */
  void requestStarted(HttpServerRequest req) {
    State s = connections.get(req.connection());
    if (s == null) return;
    s.phase = Phase.BODY;
    s.since = System.nanoTime();
    s.request = req;
    s.answered = false;
    if (draining) req.response().putHeader("connection", "close");
    // bodyEndHandler: the response's one endHandler belongs to Vert.x Web (RoutingContext.addEndHandler)
    req.response().bodyEndHandler(v -> {
      if (!req.isEnded()) {
        // answered before its body was read (an error such as 413): the rest of the body is read and
        // dropped, within the body timeout, before the connection takes another request. Closing at
        // once would reset a client still sending, and it could lose the answer.
        s.answered = true;
        s.since = System.nanoTime();
        return;
      }
      s.phase = Phase.HEAD;
      s.since = System.nanoTime();
      s.request = null;
    });
  }

  private void sweep() {
    long now = System.nanoTime();
    for (var it = connections.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      State s = e.getValue();
      if (s.phase == Phase.BODY && s.request.isEnded()) {
        s.phase = s.answered ? Phase.HEAD : Phase.BUSY;
        if (s.answered) {
          s.since = now;
          s.request = null;
        }
      }
      if (s.phase == Phase.HEAD && now - s.since > headerTimeoutNanos) {
        it.remove();
        e.getKey().close();
      } else if (s.phase == Phase.BODY && now - s.since > bodyTimeoutNanos) {
        it.remove();
        s.phase = Phase.BUSY;
        onSlowBody.accept(s.request);
      }
    }
  }

  /**
   * The node stops: idle connections close now, and each busy one closes once its response is out
   * ({@code Connection: close}), so no client sends a request that would then be cut off.
   */
  void drain() {
    draining = true;
    for (var it = connections.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      State s = e.getValue();
      if (s.phase == Phase.HEAD) {
        it.remove();
        e.getKey().close();
      } else if (!s.request.response().headWritten()) {
        s.request.response().putHeader("connection", "close");
      }
    }
  }

  void close() {
    vertx.cancelTimer(sweeper);
  }
}
