package dev.vserve.node;

import dev.vserve.Application;
import dev.vserve.DeploymentHandle;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.controller.ControllerVerticle;
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
 * An embedded single node: controller, proxy and replicas on one Vert.x instance. The proxy runs as
 * several verticle instances sharing one port, one per event loop it is given.
 */
public final class NodeImpl implements ServeNode {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final ServeOptions options;
  private final NodeContext context;
  private String controllerId;
  private final java.util.List<String> proxyIds = new java.util.ArrayList<>();
  private int httpPort;

  private NodeImpl(Vertx vertx, boolean ownsVertx, ServeOptions options) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.options = options;
    this.context = NodeContext.create(vertx, "node-" + RequestIds.next().substring(0, 8), options);
  }

  /** Starts a node on a Vert.x instance of its own. */
  public static Future<ServeNode> start(ServeOptions options) {
    return start(Vertx.vertx(), true, options);
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
    return vertx.deployVerticle(new ControllerVerticle(context))
        .compose(id -> {
          controllerId = id;
          if (!options.isHttpEnabled()) return Future.succeededFuture(null);
          return vertx.deployVerticle(() -> {
            ProxyVerticle p = new ProxyVerticle(context, options, port);
            if (first[0] == null) first[0] = p;
            return p;
          }, new DeploymentOptions().setInstances(Math.max(1, options.getProxyInstances())));
        })
        .map(pid -> {
          if (pid != null) {
            proxyIds.add(pid);
            httpPort = first[0].actualPort();
          } else {
            httpPort = -1;
          }
          return null;
        });
  }

  @Override public Vertx vertx() { return vertx; }

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
    DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(Long.MAX_VALUE / 4);
    return vertx.eventBus().request(ControllerVerticle.DEPLOY, plan, opts)
        .<DeploymentHandle>map(m -> context.handle(plan.name(), plan.ingress()))
        .recover(err -> Future.failedFuture(Failures.toServeException(err)));
  }

  @Override
  public Future<Void> delete(String appName) {
    DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(Long.MAX_VALUE / 4);
    return vertx.eventBus().request(ControllerVerticle.DELETE, appName, opts).<Void>mapEmpty()
        .recover(err -> Future.failedFuture(Failures.toServeException(err)));
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
    Future<Void> proxies = Future.join(proxyIds.stream().map(id -> Deployments.undeployIfPresent(vertx, id)).toList()).mapEmpty();
    Future<Void> stopped = proxies
        .transform(x -> Deployments.undeployIfPresent(vertx, controllerId))
        .transform(x -> context.close());
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
