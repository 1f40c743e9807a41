package dev.vserve.admin;

import dev.vserve.BadRequestException;
import dev.vserve.ServeConfig;
import dev.vserve.ServeException;
import dev.vserve.ServeOptions;
import dev.vserve.controller.ClusterStatus;
import dev.vserve.controller.ControllerVerticle;
import dev.vserve.impl.Json;
import dev.vserve.impl.call.Failures;
import dev.vserve.node.ApplicationTargets;
import dev.vserve.node.NodeImpl;
import dev.vserve.spi.ApplicationLoader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API, in Ray's shape: {@code GET /api/serve/applications/} (the cluster's applications
 * and the config each was deployed with), {@code PUT} of a whole serve config (declarative: the file
 * is the desired state, applications not in it are deleted), {@code DELETE} (every application), the
 * external scaler {@code POST /api/v1/applications/{app}/deployments/{deployment}/scale}, and
 * {@code POST /api/vserve/nodes/shutdown}. Closed by default: it listens on loopback unless told
 * otherwise, and every change needs the node's bearer token; reads need none.
 */
public final class AdminVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(AdminVerticle.class.getName());
  /** Published to every node by {@code POST /api/vserve/nodes/shutdown}; a node run from the command line exits. */
  public static final String SHUTDOWN = "vserve.node.shutdown";
  private static final long MAX_CONFIG_BYTES = 1 << 20;

  private final NodeImpl node;
  private final ServeOptions options;
  private final AdminToken token;
  private DeployedConfigs configs;
  private HttpServer server;

  public AdminVerticle(NodeImpl node, ServeOptions options) {
    this.node = node;
    this.options = options;
    this.token = new AdminToken(options.getAdminToken());
  }

  public String token() {
    return token.value;
  }

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    configs = new DeployedConfigs(vertx);
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create().setBodyLimit(MAX_CONFIG_BYTES));
    r.route().method(io.vertx.core.http.HttpMethod.PUT).handler(this::authorize);
    r.route().method(io.vertx.core.http.HttpMethod.DELETE).handler(this::authorize);
    r.route().method(io.vertx.core.http.HttpMethod.POST).handler(this::authorize);
    r.get("/api/serve/applications").handler(this::applications);
    r.get("/api/serve/applications/").handler(this::applications);
    r.put("/api/serve/applications/").handler(this::deploy);
    r.put("/api/serve/applications").handler(this::deploy);
    r.delete("/api/serve/applications/").handler(this::deleteAll);
    r.delete("/api/serve/applications").handler(this::deleteAll);
    r.post("/api/v1/applications/:app/deployments/:deployment/scale").handler(this::scale);
    r.post("/api/vserve/nodes/shutdown").handler(this::shutdownNodes);
    // a dead-letter queue's tasks back to the queue they came from, their attempts reset
    r.post("/api/vserve/queues/:queue/requeue").handler(ctx -> dev.vserve.tasks.Tasks.of(vertx).requeue(ctx.pathParam("queue"))
        .onSuccess(n -> json(ctx, 200, Map.of("queue", ctx.pathParam("queue"), "requeued", n))).onFailure(err -> error(ctx, err)));
    r.route().last().handler(ctx -> error(ctx, new ServeException(404, "NotFound", "no admin route " + ctx.request().method()
        + " " + ctx.request().path() + " (see GET/PUT/DELETE /api/serve/applications/)")));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.getAdminHost()).setPort(options.getAdminPort()));
    return server.requestHandler(r).listen();
  }

  private void authorize(RoutingContext ctx) {
    if (token.admits(ctx)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    error(ctx, new ServeException(401, "Unauthorized", "changes through the admin API need the node's token: "
        + "Authorization: Bearer <token> (printed when the node started; vserve deploy --token, or VSERVE_ADMIN_TOKEN)"));
  }

  private void applications(RoutingContext ctx) {
    Future.all(node.status(), configs.load()).onSuccess(all -> {
      ClusterStatus status = Json.convert(all.resultAt(0), ClusterStatus.class);
      Map<String, Object> deployed = all.resultAt(1);
      Map<String, Object> apps = new LinkedHashMap<>();
      for (ClusterStatus.Application a : status.applications()) {
        Map<String, Object> deployments = new LinkedHashMap<>();
        for (ClusterStatus.Deployment d : a.deployments()) {
          List<Map<String, Object>> replicas = new ArrayList<>();
          for (ClusterStatus.Replica rep : d.replicas()) replicas.add(Map.of("replica_id", rep.id(), "node_id", rep.node(), "state", rep.state()));
          Map<String, Object> dd = new LinkedHashMap<>();
          dd.put("name", d.name());
          dd.put("status", d.status());
          dd.put("message", d.message());
          dd.put("target_num_replicas", d.targetReplicas());
          dd.put("replicas", replicas);
          deployments.put(d.name(), dd);
        }
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("name", a.name());
        app.put("route_prefix", a.routePrefix());
        app.put("status", a.status());
        app.put("message", a.message());
        app.put("deployed_app_config", deployed.get(a.name()));
        app.put("deployments", deployments);
        apps.put(a.name(), app);
      }
      json(ctx, 200, Map.of("controller_info", status.controller(), "applications", apps));
    }).onFailure(err -> error(ctx, err));
  }

  /** The body is the whole desired state: its applications are deployed (or updated), the others deleted. */
  private void deploy(RoutingContext ctx) {
    Map<String, Object> raw;
    ServeConfig config;
    try {
      Object parsed = Json.read(bytes(ctx), Object.class, "serve config");
      if (!(parsed instanceof Map<?, ?>)) throw new BadRequestException("the body must be a serve config (a JSON object with applications)");
      @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) parsed;
      raw = m;
      if (raw.containsKey("http_options")) {
        throw new BadRequestException("http_options are set when a node starts (vserve start --host/--port); "
            + "a deployed config cannot change them: leave them out");
      }
      config = ServeConfig.from(raw);
    } catch (BadRequestException e) {
      error(ctx, e);
      return;
    } catch (IllegalArgumentException e) {
      error(ctx, new BadRequestException("invalid serve config: " + e.getMessage()));
      return;
    }
    List<?> listed = (List<?>) raw.getOrDefault("applications", List.of());
    // reading import paths runs user code (a Python file): off the event loop
    vertx.executeBlocking(() -> {
      List<ApplicationLoader.Loaded> loaded = ApplicationTargets.loadAll(config.applications().stream().map(ServeConfig.AppConfig::importPath).toList());
      for (int i = 0; i < loaded.size(); i++) {
        ServeConfig.AppConfig a = config.applications().get(i);
        if (a.autoscalingPolicy() != null) loaded.get(i).app().withAutoscalingPolicy(a.autoscalingPolicy());
      }
      return loaded;
    }, false).recover(err -> Future.failedFuture(err instanceof IllegalArgumentException
        ? new BadRequestException(err.getMessage()) : err)).compose(loaded -> {
      Future<?> chain = Future.succeededFuture();
      for (int i = 0; i < loaded.size(); i++) {
        ServeConfig.AppConfig a = config.applications().get(i);
        ApplicationLoader.Loaded l = loaded.get(i);
        Object appConfig = listed.get(i);
        chain = chain.compose(v -> node.deploy(l.app(), a.name(), a.routePrefix(), a.deployments()))
            .compose(v -> configs.put(a.name(), appConfig));
      }
      Set<String> wanted = new java.util.HashSet<>();
      config.applications().forEach(a -> wanted.add(a.name()));
      return chain.compose(v -> deleteExcept(wanted));
    }).onSuccess(deleted -> json(ctx, 200, Map.of("applications", wanted(config), "deleted", deleted)))
        .onFailure(err -> error(ctx, err));
  }

  private static List<String> wanted(ServeConfig config) {
    return config.applications().stream().map(ServeConfig.AppConfig::name).toList();
  }

  /** Deletes every application not named; completes with the names deleted. */
  private Future<List<String>> deleteExcept(Set<String> keep) {
    return node.status().compose(s -> {
      ClusterStatus status = Json.convert(s, ClusterStatus.class);
      List<String> gone = new ArrayList<>();
      Future<?> chain = Future.succeededFuture();
      for (ClusterStatus.Application a : status.applications()) {
        if (keep.contains(a.name())) continue;
        gone.add(a.name());
        chain = chain.compose(v -> node.delete(a.name())).compose(v -> configs.remove(a.name()));
      }
      return chain.map(gone);
    });
  }

  private void deleteAll(RoutingContext ctx) {
    deleteExcept(Set.of()).onSuccess(gone -> json(ctx, 200, Map.of("deleted", gone))).onFailure(err -> error(ctx, err));
  }

  private void scale(RoutingContext ctx) {
    Object n;
    try {
      Map<?, ?> body = Json.read(bytes(ctx), Map.class, "scale request");
      n = body.get("target_num_replicas");
    } catch (RuntimeException e) {
      error(ctx, new BadRequestException("the body must be {\"target_num_replicas\": N}"));
      return;
    }
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("app", ctx.pathParam("app"));
    q.put("deployment", ctx.pathParam("deployment"));
    q.put("target_num_replicas", n);
    node.askController(ControllerVerticle.SCALE, q).onSuccess(r -> json(ctx, 200, r)).onFailure(err -> error(ctx, err));
  }

  private void shutdownNodes(RoutingContext ctx) {
    LOG.log(Level.WARNING, "shutdown of every node requested through the admin API");
    json(ctx, 202, Map.of("shutdown", "requested"));
    vertx.eventBus().publish(SHUTDOWN, "admin");
  }

  private static byte[] bytes(RoutingContext ctx) {
    return ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }

  private static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.MAPPER.valueToTree(body).toString());
  }

  private static void error(RoutingContext ctx, Throwable err) {
    ServeException e = Failures.toServeException(err);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.errorType());
    body.put("message", e.getMessage());
    json(ctx, e.status(), body);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
