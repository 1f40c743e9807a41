package dev.vserve.controller;

import dev.vserve.ServeException;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.router.ReplicaInfo;
import dev.vserve.impl.router.ReplicaSetUpdate;
import dev.vserve.node.Deployments;
import dev.vserve.replica.ReplicaVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The control loop: holds the desired applications, starts their replicas, and announces replica
 * sets and routes to every router and proxy. All state is confined to this verticle's event loop;
 * the outside talks to it over the event bus ({@link #DEPLOY}, {@link #DELETE} and the replica-set
 * query of {@link NodeContext#CONTROLLER_REPLICAS}).
 */
public final class ControllerVerticle extends VerticleBase {
  public static final String DEPLOY = "vserve.controller.deploy";
  public static final String DELETE = "vserve.controller.delete";

  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final NodeContext node;
  private final Map<String, AppState> apps = new LinkedHashMap<>();
  private long routeVersion;
  private long replicaVersion;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public ControllerVerticle(NodeContext node) {
    this.node = node;
  }

  private static final class AppState {
    final ApplicationPlan plan;
    final Map<String, List<Replica>> replicas = new LinkedHashMap<>();
    String status = "DEPLOYING";
    String message = "";

    AppState(ApplicationPlan plan) {
      this.plan = plan;
    }
  }

  private record Replica(ReplicaInfo info, String verticleId) {}

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    consumers.add(bus.<Object>consumer(DEPLOY, m -> reply(m, deploy((ApplicationPlan) m.body()))));
    consumers.add(bus.<Object>consumer(DELETE, m -> reply(m, delete((String) m.body()).map(v -> "deleted"))));
    consumers.add(bus.<Object>consumer(NodeContext.CONTROLLER_REPLICAS, this::onReplicaQuery));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> deletions = new ArrayList<>();
    for (String app : new ArrayList<>(apps.keySet())) deletions.add(delete(app));
    return Future.join(deletions);
  }

  private void reply(Message<Object> m, Future<?> result) {
    result.onSuccess(v -> m.reply(v, CODEC)).onFailure(err -> {
      var r = Failures.toReply(err);
      m.fail(r.failureCode(), r.getMessage());
    });
  }

  /** Replaces any application of the same name; completes with the plan once every replica is up. */
  private Future<ApplicationPlan> deploy(ApplicationPlan plan) {
    for (AppState other : apps.values()) {
      if (!other.plan.name().equals(plan.name()) && other.plan.routePrefix().equals(plan.routePrefix())) {
        return Future.failedFuture(new ServeException(409, "RoutePrefixTaken", "route prefix " + plan.routePrefix()
            + " is already used by application '" + other.plan.name() + "'"));
      }
    }
    Future<Void> previous = apps.containsKey(plan.name()) ? delete(plan.name()) : Future.succeededFuture();
    return previous.compose(v -> {
      AppState state = new AppState(plan);
      apps.put(plan.name(), state);
      List<Future<Void>> all = new ArrayList<>();
      for (DeploymentPlan d : plan.deployments()) all.add(startDeployment(state, d));
      return Future.all(all).transform(ar -> {
        if (ar.succeeded() && apps.get(plan.name()) == state) {
          state.status = "RUNNING";
          publishRoutes();
          return Future.succeededFuture(plan);
        }
        state.status = "DEPLOY_FAILED";
        state.message = ar.failed() ? ar.cause().getMessage() : "replaced while deploying";
        return delete(plan.name()).transform(x -> Future.failedFuture(
            new ServeException(500, "DeployFailed", "application '" + plan.name() + "' failed to deploy: " + state.message)));
      });
    });
  }

  /**
   * Starts the replicas of one deployment and announces them as soon as they are up, so that a
   * dependent's constructor may already call them.
   */
  private Future<Void> startDeployment(AppState state, DeploymentPlan d) {
    List<Future<Replica>> started = new ArrayList<>();
    for (int i = 0; i < d.config().getNumReplicas(); i++) {
      String id = state.plan.name() + "#" + d.name() + "#" + randomSuffix();
      ReplicaVerticle v = new ReplicaVerticle(node, state.plan.name(), d, id);
      started.add(vertx.deployVerticle(v).map(vid -> new Replica(new ReplicaInfo(id, ReplicaVerticle.address(id), node.nodeId()), vid)));
    }
    return Future.join(started).transform(ar -> {
      List<Replica> up = new ArrayList<>();
      for (Future<Replica> f : started) if (f.succeeded()) up.add(f.result());
      state.replicas.put(d.name(), up);
      if (ar.failed()) return Future.failedFuture(ar.cause());
      publishReplicas(state.plan.name(), d);
      return Future.succeededFuture();
    });
  }

  private Future<Void> delete(String appName) {
    AppState state = apps.remove(appName);
    if (state == null) return Future.failedFuture(new ServeException(404, "NotFound", "no application named '" + appName + "'"));
    state.status = "DELETING";
    publishRoutes();
    List<Future<Void>> stops = new ArrayList<>();
    for (List<Replica> rs : state.replicas.values()) {
      for (Replica r : rs) stops.add(Deployments.undeployIfPresent(vertx, r.verticleId()));
    }
    return Future.join(stops).mapEmpty();
  }

  private void publishReplicas(String app, DeploymentPlan d) {
    vertx.eventBus().publish(ReplicaSetUpdate.ADDRESS, replicaSet(apps.get(app), d), CODEC);
  }

  private ReplicaSetUpdate replicaSet(AppState state, DeploymentPlan d) {
    List<ReplicaInfo> infos = new ArrayList<>();
    for (Replica r : state.replicas.getOrDefault(d.name(), List.of())) infos.add(r.info());
    return new ReplicaSetUpdate(state.plan.name(), d.name(), ++replicaVersion,
        d.config().getMaxOngoingRequests(), d.config().getMaxQueuedRequests(), List.copyOf(infos));
  }

  private void onReplicaQuery(Message<Object> m) {
    Map<?, ?> q = Json.convert(m.body(), Map.class);
    AppState state = apps.get(String.valueOf(q.get("app")));
    DeploymentPlan d = state == null ? null : state.plan.deployment(String.valueOf(q.get("deployment")));
    if (d == null) {
      m.fail(404, "{\"error\":\"NotFound\",\"message\":\"no deployment " + q.get("deployment") + " in application " + q.get("app") + "\"}");
    } else {
      m.reply(replicaSet(state, d), CODEC);
    }
  }

  private RouteTable routeTable() {
    List<RouteTable.Route> routes = new ArrayList<>();
    for (AppState s : apps.values()) {
      if (s.status.equals("RUNNING")) routes.add(new RouteTable.Route(s.plan.routePrefix(), s.plan.name(), s.plan.ingress()));
    }
    return new RouteTable(routeVersion, routes);
  }

  private void publishRoutes() {
    routeVersion++;
    RouteTable t = routeTable();
    node.onRoutes(t);
    vertx.eventBus().publish(RouteTable.ADDRESS, t, CODEC);
  }

  private static String randomSuffix() {
    return Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36).substring(0, 6);
  }
}
