package dev.vserve.controller;

import dev.vserve.impl.NodeContext;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.autoscale.ScalingRules;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.router.ReplicaInfo;
import dev.vserve.impl.router.ReplicaSetUpdate;
import dev.vserve.replica.ReplicaVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the controller tells every node: the replica set of each deployment (to its routers) and the
 * route table (to the proxies), each with a version that only grows, so a router or proxy applies
 * the newest and ignores what arrives late.
 */
final class Announcer {
  /** Versions a new controller skips, in case the old one announced more than it saved. */
  private static final long VERSION_GAP = 1_000_000;
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final Vertx vertx;
  private final NodeContext node;
  private long routeVersion;
  private long replicaVersion;

  Announcer(Vertx vertx, NodeContext node) {
    this.vertx = vertx;
    this.node = node;
  }

  /** Carries on after a previous controller, past any version it may have announced. */
  void resumeAfter(long routeVersion, long replicaVersion) {
    this.routeVersion = routeVersion + VERSION_GAP;
    this.replicaVersion = replicaVersion + VERSION_GAP;
  }

  long routeVersion() {
    return routeVersion;
  }

  long replicaVersion() {
    return replicaVersion;
  }

  void replicas(ApplicationState app, DeploymentState d) {
    vertx.eventBus().publish(ReplicaSetUpdate.ADDRESS, replicaSet(app, d), CODEC);
  }

  ReplicaSetUpdate replicaSet(ApplicationState app, DeploymentState d) {
    List<ReplicaInfo> infos = new ArrayList<>();
    for (ReplicaRecord r : d.running) infos.add(new ReplicaInfo(r.id(), ReplicaVerticle.address(r.id()), r.nodeId()));
    var c = d.plan.config();
    return new ReplicaSetUpdate(app.name(), d.name(), ++replicaVersion,
        c.getMaxOngoingRequests(), c.getMaxQueuedRequests(), c.isIdempotent(),
        c.getAutoscalingConfig() == null ? 0 : ScalingRules.metricsIntervalMs(c.getAutoscalingConfig()),
        List.copyOf(infos), c.getBackpressure(), c.getRequestRouter(), d.plan.code());
  }

  /** Running applications are routed to; others (deploying, deleting) not. */
  RouteTable routeTable(Collection<ApplicationState> apps) {
    List<RouteTable.Route> routes = new ArrayList<>();
    List<RouteTable.TaskQueue> queues = new ArrayList<>();
    for (ApplicationState s : apps) {
      if (!s.running()) continue;
      routes.add(new RouteTable.Route(s.plan.routePrefix(), s.name(), s.plan.ingress()));
      for (var d : s.plan.deployments()) {
        var tc = d.config().getTaskConsumer();
        if (tc != null) queues.add(new RouteTable.TaskQueue(tc.getQueueName(), s.name(), d.name(), tc));
      }
    }
    return new RouteTable(routeVersion, routes, queues);
  }

  void routes(Collection<ApplicationState> apps) {
    routeVersion++;
    RouteTable t = routeTable(apps);
    node.onRoutes(t);
    vertx.eventBus().publish(RouteTable.ADDRESS, t, CODEC);
  }

  void all(Collection<ApplicationState> apps) {
    for (ApplicationState app : apps) for (DeploymentState d : app.deployments.values()) replicas(app, d);
    routes(apps);
  }
}
