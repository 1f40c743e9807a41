package dev.vserve.proxy;

import dev.vserve.Request;
import dev.vserve.Response;
import dev.vserve.ServeException;
import dev.vserve.ServeOptions;
import dev.vserve.impl.Json;
import dev.vserve.metrics.ServeMetrics;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.RequestIds;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.stream.StreamReply;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import dev.vserve.controller.ControllerVerticle;
import dev.vserve.impl.call.ServeCodec;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP ingress of a node: longest route prefix to the application's ingress deployment, through
 * the node's router for it. Everything here runs on the event loop and never waits: the request
 * becomes a {@link Call}, and the reply is written when the replica's answer arrives.
 */
public final class ProxyVerticle extends VerticleBase {
  private final NodeContext node;
  private final ServeOptions options;
  private final int port;
  private HttpServer server;
  private ConnectionGuard guard;

  public ProxyVerticle(NodeContext node, ServeOptions options, int port) {
    this.node = node;
    this.options = options;
    this.port = port;
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** The router of the proxy; an embedding application may mount it under a path of its own. */
  public static Router router(io.vertx.core.Vertx vertx, NodeContext node, ServeOptions options) {
    Router router = Router.router(vertx);
    ServeMetrics metrics = ServeMetrics.of(vertx);
    // every request is timed once, for the metrics and the access log; neither on: no handler at all
    if (metrics.enabled() || options.isAccessLog()) router.route().handler(new RequestMetrics(metrics, options.isAccessLog()));
    io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> toApplication =
        rc -> Bodies.read(rc, options.getMaxRequestBodyBytes(), body -> forward(node, rc, body));
    // vserve's own paths (/-/..., /v2/...) come before any application's; a request outside them goes
    // to its application at once, without trying their patterns (most take a path parameter, a regex each)
    router.route().handler(rc -> {
      if (isOwnPath(rc)) rc.next(); else toApplication.handle(rc);
    });
    NodeEndpoints.mount(router, vertx, node, metrics);
    InferenceEndpoints.mount(router, node, options);
    TaskEndpoints.mount(router, node, options);
    router.route().handler(toApplication);
    router.route().failureHandler(rc -> {
      int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
      String why = status == 413 ? "request body larger than " + options.getMaxRequestBodyBytes() + " bytes"
          : rc.failure() != null ? String.valueOf(rc.failure().getMessage()) : "request failed";
      writeError(rc.response(), requestId(rc.request()), status, status == 413 ? "PayloadTooLarge" : "ProxyError", why);
    });
    return router;
  }

  /** Whether the request is for one of vserve's own paths, relative to where the router is mounted. */
  private static boolean isOwnPath(io.vertx.ext.web.RoutingContext rc) {
    String path = rc.normalizedPath();
    String mount = rc.mountPoint();   // mounted by an embedding application under a path of its own
    int from = mount == null || !path.startsWith(mount) ? 0 : mount.endsWith("/") ? mount.length() - 1 : mount.length();
    return path.startsWith("/-/", from) || path.startsWith("/v2/", from);
  }

  @Override
  public Future<?> start() {
    // no HTTP/2 over cleartext: sniffing for it, Vert.x would announce a connection only once its first
    // request head is in, and the header timeout could not run from the moment a client connects
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.getHttpHost()).setPort(port)
        .setCompressionSupported(false).setTcpNoDelay(true).setHttp2ClearTextEnabled(false));
    Router router = router(vertx, node, options);
    guard = new ConnectionGuard(vertx, options.getHeaderTimeoutMs(), options.getBodyTimeoutMs(), req -> {
      if (!req.response().ended()) {
        writeError(req.response().putHeader("connection", "close"), requestId(req), 408, "RequestTimeout",
            "the request body did not arrive within " + options.getBodyTimeoutMs() + " ms");
      }
      req.connection().close();
    });
    server.connectionHandler(guard::opened);
    return server.requestHandler(req -> {
      guard.requestStarted(req);
      String problem = RequestCheck.problem(req);
      if (problem == null) {
        router.handle(req);
      } else {
        writeError(req.response().putHeader("connection", "close"), requestId(req), 400, "BadRequest", problem);
      }
    }).listen();
  }

  @Override
  public Future<?> stop() {
    if (guard != null) {
      guard.drain();
      guard.close();
    }
    // graceful: no new requests, in-flight ones are answered (their replicas still run) before closing
    return server == null ? Future.succeededFuture()
        : server.shutdown(options.getGracefulShutdownTimeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private static void forward(NodeContext node, RoutingContext rc, Buffer body) {
    HttpServerRequest http = rc.request();
    String id = requestId(http);
    String path = pathBelowMount(rc);
    RouteTable.Route route = node.routes().match(path);
    if (route != null) rc.put(RequestMetrics.ROUTE, route);
    if (route == null) {
      writeError(rc.response(), id, 404, "NotFound", "no application is routed at " + path
          + " (see GET /-/routes)");
      return;
    }
    Map<String, List<String>> query;
    try {
      query = queryParams(rc);
    } catch (RuntimeException e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      writeError(rc.response(), id, 400, "BadRequest", "malformed query string: " + why.getMessage());
      return;
    }
    Request req = new Request(id, http.method().name(), path, route.below(path), query,
        headers(http.headers()), body.length() == 0 ? null : Bodies.bytes(body));
    long deadline = System.currentTimeMillis() + node.requestTimeoutMs();
    // safe methods may run twice: a GET lost with a node is retried on another replica
    boolean safe = http.method() == HttpMethod.GET || http.method() == HttpMethod.HEAD;
    Call call = Call.http(id, req, http.getHeader("serve_multiplexed_model_id"), deadline, node.nodeId(), safe);
    io.opentelemetry.context.Context parent = ProxySpan.start(node.tracing(), rc, route);
    node.tracing().route("proxy_route_to_replica", parent, route.app(), route.ingress(), http.method().name(), call,
        node.router(route.app(), route.ingress())::call).onComplete(ar -> {
      HttpServerResponse out = rc.response();
      if (out.closed() || out.ended()) return;
      if (ar.succeeded() && ar.result() instanceof StreamReply stream) {
        StreamWriter.start(rc, id, stream);
      } else if (ar.succeeded()) {
        Response r = Json.convert(ar.result(), Response.class);
        // 200 is the default: setting it again looks the status up for nothing, on every request
        if (r.status() != 200) out.setStatusCode(r.status());
        for (Map.Entry<String, String> h : r.headers().entrySet()) out.putHeader(h.getKey(), h.getValue());
        out.putHeader("x-request-id", id).end(Buffer.buffer(r.body()));
      } else {
        ServeException e = Failures.toServeException(ar.cause());
        if (e instanceof dev.vserve.BackPressureException bp && bp.retryAfterS() != null) {
          out.putHeader("retry-after", String.valueOf((long) Math.ceil(bp.retryAfterS())));
        }
        writeError(out, id, e.status(), e.errorType(), e.getMessage());
      }
    });
  }

  /** The path as the route table sees it: below the mount point when the router is mounted. */
  private static String pathBelowMount(RoutingContext rc) {
    String mount = rc.mountPoint();
    String path = rc.request().path();
    if (mount == null || mount.isEmpty() || mount.equals("/")) return path;
    String m = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
    if (!path.startsWith(m)) return path;
    String rest = path.substring(m.length());
    return rest.isEmpty() ? "/" : rest;
  }

  static String requestId(HttpServerRequest http) {
    String given = http.getHeader("x-request-id");
    return given != null && !given.isEmpty() && given.length() <= 128 ? given : RequestIds.next();
  }

  static byte[] errorBody(String requestId, String type, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", type);
    body.put("message", message);
    body.put("request_id", requestId);
    return Json.encode(body);
  }

  static void writeError(HttpServerResponse out, String requestId, int status, String type, String message) {
    out.setStatusCode(status).putHeader("content-type", "application/json").putHeader("x-request-id", requestId)
        .end(Buffer.buffer(errorBody(requestId, type, message)));
  }

  private static Map<String, List<String>> queryParams(RoutingContext rc) {
    MultiMap q = rc.queryParams();
    if (q.isEmpty()) return Map.of();
    Map<String, List<String>> out = new HashMap<>();
    for (String name : q.names()) out.put(name, new ArrayList<>(q.getAll(name)));
    return out;
  }

  private static Map<String, String> headers(MultiMap h) {
    Map<String, String> out = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, String> e : h) out.merge(e.getKey(), e.getValue(), (a, b) -> a + ", " + b);
    return out;
  }
}
