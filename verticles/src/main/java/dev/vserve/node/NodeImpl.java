package dev.vserve.node;

import dev.vserve.Application;
import dev.vserve.DeploymentHandle;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.cluster.ClusteredVertx;
import dev.vserve.cluster.Membership;
import dev.vserve.controller.ControllerElection;
import dev.vserve.controller.ControllerVerticle;
import dev.vserve.impl.cluster.NodeInfo;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.RequestIds;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.proxy.ProxyVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.List;

/**
 * A vserve node: its proxy, its agent (the replicas placed here) and a candidate for the controller
 * role. Alone it is an embedded single node; with {@link ServeOptions#setClustered} it joins the
 * others through Hazelcast. The proxy runs as several verticle instances sharing one port, one per
 * event loop it is given.
 */
public final class NodeImpl implements ServeNode {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final ServeOptions options;
  private final NodeContext context;
  private final Membership membership;
  private final ControllerElection election;
  private String agentId;
  private String adminId;
  private final dev.vserve.tracing.NodeTracing tracing;
  private dev.vserve.admin.AdminVerticle admin;
  private final java.util.List<String> proxyIds = new java.util.ArrayList<>();
  private int httpPort;

  private NodeImpl(Vertx vertx, boolean ownsVertx, ServeOptions options) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.options = options;
    String id = vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodeId()
        : "node-" + RequestIds.next().substring(0, 8);
    this.context = NodeContext.create(vertx, id, options);
    context.useTasks(dev.vserve.taskqueue.TaskQueues.start(vertx, context));
    context.useSecret(dev.vserve.cluster.ClusterSecret.of(vertx));
    dev.vserve.metrics.ServeMetrics.start(vertx, id, options.isMetricsEnabled());
    this.tracing = dev.vserve.tracing.NodeTracing.start(options, id);
    context.useTracing(tracing.tracing());
    this.membership = Membership.of(vertx, id);
    membership.onLeft(context::onNodeLeft);
    this.election = new ControllerElection(vertx, context, membership);
  }

  /** Starts a node on a Vert.x instance of its own, clustered if the options say so. */
  public static Future<ServeNode> start(ServeOptions options) {
    if (!options.isClustered()) {
      io.vertx.core.VertxBuilder builder = Vertx.builder();
      var registry = dev.vserve.metrics.ServeMetrics.withVertxMetrics(builder, new io.vertx.core.VertxOptions(), options.isMetricsEnabled());
      Vertx vertx = builder.build();
      dev.vserve.metrics.ServeMetrics.adopt(vertx, registry);
      return start(vertx, true, options);
    }
    return ClusteredVertx.start(options).compose(v -> start(v, true, options));
  }

  public static Future<ServeNode> start(Vertx vertx, boolean ownsVertx, ServeOptions options) {
    NodeImpl node;
    try {
      node = new NodeImpl(vertx, ownsVertx, options);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // a context-free promise: once Vert.x is closed, its contexts can no longer deliver results
    Promise<ServeNode> started = Promise.promise();
    node.startComponents().onComplete(ar -> {
      if (ar.succeeded()) started.complete(node);
      else node.close().onComplete(x -> started.fail(ar.cause()));
    });
    return started.future();
  }

  private Future<Void> startComponents() {
    // port 0 becomes -1: Vert.x then shares one random port among all proxy instances
    int port = options.getHttpPort() == 0 ? -1 : options.getHttpPort();
    ProxyVerticle[] first = new ProxyVerticle[1];
    Future<String> proxy = !options.isHttpEnabled() ? Future.succeededFuture(null)
        : vertx.deployVerticle(() -> {
            ProxyVerticle p = new ProxyVerticle(context, options, port);
            if (first[0] == null) first[0] = p;
            return p;
          }, new DeploymentOptions().setInstances(Math.max(1, options.getProxyInstances())));
    return proxy
        .compose(pid -> {
          if (pid != null) {
            proxyIds.add(pid);
            httpPort = first[0].actualPort();
          } else {
            httpPort = -1;
          }
          return vertx.deployVerticle(new NodeAgentVerticle(context, NodeInfo.of(context.nodeId(), options, httpPort, vertx.isClustered())));
        })
        .compose(aid -> {
          agentId = aid;
          return election.start();
        })
        .map(controls -> {
          // a node that joins a running cluster has missed the route announcements
          if (!controls) context.fetchRoutes();
          return null;
        })
        .compose(v -> startAdmin());
  }

  /** The admin API, where the options say; a busy default port is logged, not fatal. */
  private Future<Void> startAdmin() {
    if (options.getAdminPort() < 0) return Future.succeededFuture();
    dev.vserve.admin.AdminVerticle a = new dev.vserve.admin.AdminVerticle(this, options);
    return vertx.deployVerticle(a).<Void>map(id -> {
      adminId = id;
      admin = a;
      return null;
    }).recover(err -> {
      if (options.isAdminPortRequired()) {
        return Future.failedFuture(new IllegalStateException("the admin API cannot listen on " + options.getAdminHost() + ":"
            + options.getAdminPort() + ": " + err.getMessage(), err));
      }
      System.getLogger(NodeImpl.class.getName()).log(System.Logger.Level.WARNING, "no admin API on this node: "
          + options.getAdminHost() + ":" + options.getAdminPort() + " is taken (" + err.getMessage() + "); pass --admin-port");
      return Future.succeededFuture();
    });
  }

  /** The admin API's port, or -1 when this node has none. */
  public int adminPort() {
    return admin == null ? -1 : admin.actualPort();
  }

  /** The bearer token the admin API wants for changes, or null when this node has none. */
  public String adminToken() {
    return admin == null ? null : admin.token();
  }

  @Override public Vertx vertx() { return vertx; }

  /** This node's id in the cluster (the cluster manager's). */
  public String nodeId() { return context.nodeId(); }

  /** The proxy's router, to mount under a path of an application's own HTTP server. */
  public io.vertx.ext.web.Router router() {
    return ProxyVerticle.router(vertx, context, options);
  }
  @Override public int httpPort() { return httpPort; }

  @Override
  public Future<DeploymentHandle> deploy(Application app, String name, String routePrefix,
                                         java.util.Map<String, ? extends java.util.Map<String, ?>> overrides) {
    ApplicationPlan plan;
    try {
      plan = ApplicationPlan.of(app, name, routePrefix).withOverrides(overrides);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return askController(ControllerVerticle.DEPLOY, plan, System.currentTimeMillis() + CONTROLLER_WAIT_MS)
        .map(m -> context.handle(plan.name(), plan.ingress()));
  }

  @Override
  public Future<Void> delete(String appName) {
    return askController(ControllerVerticle.DELETE, appName, System.currentTimeMillis() + CONTROLLER_WAIT_MS).mapEmpty();
  }

  /** The cluster's state as {@code vserve status} shows it. */
  public Future<Object> status() {
    return askController(ControllerVerticle.STATUS, "", System.currentTimeMillis() + CONTROLLER_WAIT_MS);
  }

  /** How long a request waits for a controller to be elected (none may be up while one takes over). */
  private static final long CONTROLLER_WAIT_MS = 30_000;

  /** Asks the controller (waiting for one to be elected, as long as requests wait); the admin API's way in. */
  public Future<Object> askController(String address, Object body) {
    return askController(address, body, System.currentTimeMillis() + CONTROLLER_WAIT_MS);
  }

  private Future<Object> askController(String address, Object body, long giveUpAt) {
    DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(Long.MAX_VALUE / 4);
    return vertx.eventBus().request(address, body, opts).map(Message::body).recover(err -> {
      boolean noController = err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
      if (noController && System.currentTimeMillis() < giveUpAt) {
        Promise<Object> retried = Promise.promise();
        vertx.setTimer(200, t -> askController(address, body, giveUpAt).onComplete(retried));
        return retried.future();
      }
      return Future.failedFuture(noController
          ? new dev.vserve.ServeException(503, "NoController", "no controller is running in the cluster")
          : Failures.toServeException(err));
    });
  }

  @Override
  public DeploymentHandle handle(String appName, String deploymentName) {
    return context.handle(appName, deploymentName);
  }

  @Override
  public List<String> applications() {
    return context.routes().routes().stream().map(RouteTable.Route::app).toList();
  }

  /** Stops taking HTTP, drains and stops every application, then the node itself. */
  @Override
  public Future<Void> close() {
    List<String> first = new java.util.ArrayList<>(proxyIds);
    if (adminId != null) first.add(adminId);
    Future<Void> proxies = Future.join(first.stream().map(id -> VerticleDeployments.undeployIfPresent(vertx, id)).toList()).mapEmpty();
    Future<Void> stopped = proxies
        .transform(x -> election.close())
        .transform(x -> agentId == null ? Future.<Void>succeededFuture() : VerticleDeployments.undeployIfPresent(vertx, agentId))
        .transform(x -> {
          membership.close();
          dev.vserve.metrics.ServeMetrics.remove(vertx);
          tracing.close();
          return context.close();
        });
    if (!ownsVertx) return stopped;
    Promise<Void> closed = Promise.promise();
    // closing from outside Vert.x: a result delivered to one of its own event loops would be lost
    stopped.onComplete(x -> Thread.ofPlatform().name("vserve-close").daemon().start(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().join();
      } finally {
        closed.complete();
      }
    }));
    return closed.future();
  }
}
