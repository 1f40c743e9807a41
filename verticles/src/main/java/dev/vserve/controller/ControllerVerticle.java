package dev.vserve.controller;

import dev.vserve.ServeException;
import dev.vserve.cluster.Membership;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.autoscale.LoadReport;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.cluster.NodeInfo;
import dev.vserve.impl.cluster.Placement;
import dev.vserve.node.NodeAgentVerticle;
import dev.vserve.replica.ReplicaVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The control loop of the cluster (one, elected by {@link ControllerElection}): holds the desired
 * applications ({@link ApplicationState}), places their replicas on nodes that have the resources,
 * starts and stops them through the nodes' agents ({@link Agents}), replaces replicas lost with a
 * node or reported stuck, and announces replica sets and routes to every router and proxy. All state
 * is confined to this verticle's event loop and saved to the cluster map after each change
 * ({@link ControllerStore}), so that a controller elected after this one's node died carries on.
 */
public final class ControllerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ControllerVerticle.class.getName());
  public static final String DEPLOY = "vserve.controller.deploy";
  public static final String DELETE = "vserve.controller.delete";
  public static final String STATUS = "vserve.controller.status";
  /** {@code {app, deployment, target_num_replicas}}: the external scaler. */
  public static final String SCALE = "vserve.controller.scale";
  private static final long RECONCILE_MS = 1000;
  private static final long INITIAL_RETRY_MS = 250;
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final NodeContext node;
  private final Membership membership;
  private final Map<String, ApplicationState> apps = new LinkedHashMap<>();
  private final NodeRegistry nodes;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private ControllerStore store;
  private Agents agents;
  private Announcer announcer;
  private Fleet fleet;
  private AutoscalingLoop autoscaler;
  private Rollout rollout;
  private Consumer<String> leftListener;
  private long reconcileTimer = -1;
  private long startedMs;

  public ControllerVerticle(NodeContext node, Membership membership) {
    this.node = node;
    this.membership = membership;
    this.nodes = new NodeRegistry(membership);
  }

  @Override
  public Future<?> start() {
    startedMs = System.currentTimeMillis();
    agents = new Agents(vertx);
    announcer = new Announcer(vertx, node);
    fleet = new Fleet(apps, nodes, agents, announcer, this::persist);
    autoscaler = new AutoscalingLoop(vertx, apps, fleet);
    rollout = new Rollout(vertx, apps, fleet, announcer, this::persist);
    leftListener = id -> vertx.runOnContext(v -> nodeLeft(id));
    membership.onLeft(leftListener);
    return ControllerStore.open(vertx)
        .compose(s -> {
          store = s;
          return nodes.refresh(vertx);
        })
        .compose(v -> restore())
        .compose(v -> {
          var bus = vertx.eventBus();
          consumers.add(bus.<Object>consumer(DEPLOY, m -> reply(m, deployApp(Json.convert(m.body(), ApplicationPlan.class)).map(ApplicationPlan::name))));
          consumers.add(bus.<Object>consumer(DELETE, m -> reply(m, delete((String) m.body()).map(x -> "deleted"))));
          consumers.add(bus.<Object>consumer(NodeContext.CONTROLLER_REPLICAS, this::onReplicaQuery));
          consumers.add(bus.<Object>consumer(NodeContext.CONTROLLER_ROUTES, m -> m.reply(announcer.routeTable(apps.values()), CODEC)));
          consumers.add(bus.<Object>consumer(STATUS, m -> m.reply(status(), CODEC)));
          consumers.add(bus.<Object>consumer(SCALE, m -> reply(m, scale(Json.convert(m.body(), Map.class)))));
          consumers.add(bus.<Object>consumer(LoadReport.ADDRESS, m -> autoscaler.onLoad(Json.convert(m.body(), LoadReport.class))));
          consumers.add(bus.<Object>consumer(LoadReport.Stats.ADDRESS, m -> autoscaler.onStats(Json.convert(m.body(), LoadReport.Stats.class))));
          consumers.add(bus.<Object>consumer(ReplicaVerticle.UNHEALTHY, m -> {
            Map<?, ?> report = Json.convert(m.body(), Map.class);
            replicaUnhealthy(String.valueOf(report.get("replica")), String.valueOf(report.get("reason")));
          }));
          consumers.add(bus.<Object>consumer(NodeAgentVerticle.JOINED, m -> {
            nodes.joined(Json.convert(m.body(), NodeInfo.class));
            fleet.reconcile();
          }));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .onSuccess(v -> {
          announcer.all(apps.values());
          // the cluster map is read only while something is missing: nodes announce themselves when they join
          reconcileTimer = vertx.setPeriodic(RECONCILE_MS, t -> {
            if (apps.values().stream().anyMatch(ApplicationState::belowTarget)) nodes.refresh(vertx).onComplete(x -> fleet.reconcile());
          });
          autoscaler.start();
        });
  }

  /**
   * Stops controlling. The applications stay as they are: when this node leaves, the next
   * controller takes them over; a single node's agent stops its replicas itself.
   */
  @Override
  public Future<?> stop() {
    membership.removeListener(leftListener);
    if (reconcileTimer >= 0) vertx.cancelTimer(reconcileTimer);
    autoscaler.stop();
    dev.vserve.metrics.ServeMetrics.of(vertx).cluster().deployments(List.of());
    return Future.succeededFuture();
  }

  private void reply(Message<Object> m, Future<?> result) {
    result.onSuccess(v -> m.reply(v, CODEC)).onFailure(err -> Failures.fail(m, err));
  }

  // ---- applications ----

  /**
   * Deploys a new application, or applies a redeploy of a running one (see {@link Redeploy}); completes
   * with the plan once every replica is up (a rolling update: once the old ones are gone).
   */
  private Future<ApplicationPlan> deployApp(ApplicationPlan plan) {
    for (ApplicationState other : apps.values()) {
      if (!other.name().equals(plan.name()) && other.plan.routePrefix().equals(plan.routePrefix())) {
        return Future.failedFuture(new ServeException(409, "RoutePrefixTaken", "route prefix " + plan.routePrefix()
            + " is already used by application '" + other.name() + "'"));
      }
    }
    String taken = TaskQueueOwners.conflict(apps.values(), plan);
    if (taken != null) return Future.failedFuture(new ServeException(409, "TaskQueueTaken", taken));
    ApplicationState current = apps.get(plan.name());
    if (current != null && current.running()) return rollout.apply(current, plan);
    Future<Void> previous = current != null ? delete(plan.name()) : Future.succeededFuture();
    return previous.compose(v -> nodes.refresh(vertx)).compose(v -> {
      ApplicationState state = new ApplicationState(plan);
      // place every replica before starting any: an application that cannot fit is refused whole
      Placement placement = fleet.placement();
      Map<String, List<Placement.Slot>> slots = new LinkedHashMap<>();
      for (DeploymentState d : state.deployments.values()) {
        List<Placement.Slot> placed = new ArrayList<>();
        for (int i = 0; i < d.target(); i++) {
          Placement.Slot s = placement.place(Fleet.key(plan.name(), d.name()), d.demand);
          if (s == null) {
            return Future.failedFuture(new ServeException(503, "Unschedulable", "deployment '" + d.name()
                + "' of application '" + plan.name() + "' cannot be placed (" + (i == 0 ? "no" : "only " + i + " of " + d.target())
                + " replicas fit): " + placement.explain(d.demand)
                + ". Start nodes that offer more (vserve start --cluster --num-cpus N --num-gpus N) or ask for less (num_cpus, num_gpus)"));
          }
          placed.add(s);
        }
        slots.put(d.name(), placed);
      }
      apps.put(plan.name(), state);
      persist();
      List<Future<Void>> all = new ArrayList<>();
      for (DeploymentState d : state.deployments.values()) {
        for (Placement.Slot s : slots.get(d.name())) all.add(startWithRetries(state, d, s));
      }
      return Future.join(all).transform(ar -> {
        if (ar.succeeded() && apps.get(plan.name()) == state) {
          state.status = ApplicationState.Status.RUNNING;
          // deployments at zero replicas too: their callers learn the limits and the metrics interval
          for (DeploymentState d : state.deployments.values()) announcer.replicas(state, d);
          announcer.routes(apps.values());
          persist();
          return Future.succeededFuture(plan);
        }
        state.failed(ar.failed() ? ar.cause().getMessage() : "replaced while deploying");
        Future<Void> cleanup = apps.get(plan.name()) == state ? delete(plan.name()) : Future.succeededFuture();
        return cleanup.transform(x -> Future.failedFuture(
            new ServeException(500, "DeployFailed", "application '" + plan.name() + "' failed to deploy: " + state.message)));
      });
    });
  }

  /**
   * A first start that fails (the constructor raised) is tried again after a short back-off, up to
   * {@link DeploymentState#MAX_START_FAILURES} failures; then the deploy fails with the error.
   */
  private Future<Void> startWithRetries(ApplicationState app, DeploymentState d, Placement.Slot slot) {
    return fleet.startReplica(app, d, slot).recover(err -> {
      if (d.failures() >= DeploymentState.MAX_START_FAILURES || apps.get(app.name()) != app) return Future.failedFuture(err);
      LOG.log(Level.WARNING, d.message() + "; trying again (" + d.failures() + " of " + DeploymentState.MAX_START_FAILURES + " failures)");
      // quicker than the running deployment's back-off: someone waits for this deploy (0.25 s, 0.5 s)
      long delay = INITIAL_RETRY_MS << (d.failures() - 1);
      return Future.<Void>future(p -> vertx.setTimer(delay, t -> p.complete()))
          .compose(v -> startWithRetries(app, d, slot));
    });
  }

  private Future<Void> delete(String appName) {
    ApplicationState state = apps.remove(appName);
    if (state == null) return Future.failedFuture(new ServeException(404, "NotFound", "no application named '" + appName + "'"));
    state.status = ApplicationState.Status.DELETING;
    autoscaler.forget(appName);
    announcer.routes(apps.values());
    persist();
    return fleet.stopAll(state);
  }

  /** The external scaler ({@code POST .../scale}): a deployment's target set by hand, within its autoscaling bounds. */
  private Future<Object> scale(Map<?, ?> q) {
    ApplicationState state = apps.get(String.valueOf(q.get("app")));
    DeploymentState d = state == null ? null : state.deployments.get(String.valueOf(q.get("deployment")));
    if (d == null || !state.running()) {
      return Future.failedFuture(new ServeException(404, "NotFound", "no running deployment '" + q.get("deployment")
          + "' in application '" + q.get("app") + "'"));
    }
    if (!(q.get("target_num_replicas") instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.intValue() < 0 || n.intValue() > dev.vserve.DeploymentConfig.MAX_REPLICAS) {
      return Future.failedFuture(new dev.vserve.BadRequestException("target_num_replicas must be a whole number from 0 to "
          + dev.vserve.DeploymentConfig.MAX_REPLICAS + ", got " + q.get("target_num_replicas")));
    }
    int applied = autoscaler.scaleTo(state, d, n.intValue());
    persist();
    return Future.succeededFuture(Map.of("target_num_replicas", applied));
  }

  // ---- losses ----

  /**
   * A node left: its replicas are gone. Drop them from the sets (routers on every node already
   * stopped sending there), fail starts that waited on it, and place replacements on the others.
   */
  private void nodeLeft(String nodeId) {
    nodes.left(nodeId);
    fleet.nodeLeft(nodeId);
    int lost = 0;
    for (ApplicationState app : apps.values()) {
      for (DeploymentState d : app.deployments.values()) {
        int gone = d.nodeLeft(nodeId);
        if (gone > 0) {
          lost += gone;
          announcer.replicas(app, d);
        }
      }
    }
    if (lost > 0) {
      LOG.log(Level.WARNING, "node " + Placement.shortId(nodeId) + " left the cluster with " + lost + " replica(s); replacing them");
    }
    persist();
    fleet.reconcile();
  }

  /**
   * A replica reported itself unhealthy (its health check failed, or it is stuck): out of the replica
   * set at once, stopped (its code cancelled), and replaced as Ray replaces it.
   */
  private void replicaUnhealthy(String replicaId, String reason) {
    for (ApplicationState app : apps.values()) {
      for (DeploymentState d : app.deployments.values()) {
        ReplicaRecord r = d.markUnhealthy(replicaId, reason);
        if (r == null) continue;
        LOG.log(Level.WARNING, d.message());
        announcer.replicas(app, d);
        persist();
        agents.stop(r).onComplete(x -> d.unhealthy.remove(r));
        fleet.reconcile();
        return;
      }
    }
  }

  // ---- takeover ----

  /**
   * Resumes from the state the previous controller saved: keeps the replicas that still run on live
   * nodes (asking each node's agent), stops replicas no application owns any more, and lets the
   * reconcile loop replace the rest.
   */
  private Future<Void> restore() {
    return store.load().compose(s -> {
      if (s == null) return Future.succeededFuture();
      announcer.resumeAfter(s.routeVersion(), s.replicaVersion());
      for (ApplicationState st : s.states()) apps.put(st.name(), st);
      return adoptRunningReplicas().onSuccess(v -> LOG.log(Level.INFO, "controller took over " + apps.size()
          + " application(s) on node " + Placement.shortId(node.nodeId())));
    });
  }

  private Future<Void> adoptRunningReplicas() {
    Map<String, Set<String>> runningByNode = new HashMap<>();
    List<Future<Void>> asks = new ArrayList<>();
    for (String n : nodes.ids()) asks.add(agents.list(n).map(ids -> {
      runningByNode.put(n, ids);
      return null;
    }));
    return Future.join(asks).transform(x -> {
      Set<String> known = new HashSet<>();
      for (ApplicationState app : apps.values()) {
        for (DeploymentState d : app.deployments.values()) {
          d.running.removeIf(r -> !runningByNode.getOrDefault(r.nodeId(), Set.of()).contains(r.id()));
          for (ReplicaRecord r : d.running) known.add(r.id());
        }
      }
      // started by the old controller after its last save, or belonging to a deleted application
      runningByNode.forEach((n, ids) -> {
        for (String id : ids) if (!known.contains(id)) agents.stop(new ReplicaRecord(id, n, List.of()));
      });
      return Future.succeededFuture();
    });
  }

  private void persist() {
    store.save(ControllerStore.Snapshot.of(announcer.routeVersion(), announcer.replicaVersion(), apps.values()));
    dev.vserve.metrics.ServeMetrics.of(vertx).cluster().deployments(ClusterStatus.gaugeRows(apps.values()));
  }

  // ---- queries ----

  private void onReplicaQuery(Message<Object> m) {
    Map<?, ?> q = Json.convert(m.body(), Map.class);
    ApplicationState state = apps.get(String.valueOf(q.get("app")));
    DeploymentState d = state == null ? null : state.deployments.get(String.valueOf(q.get("deployment")));
    if (d == null) {
      Failures.fail(m, new ServeException(404, "NotFound", "no deployment " + q.get("deployment") + " in application " + q.get("app")));
    } else {
      m.reply(announcer.replicaSet(state, d), CODEC);
    }
  }

  /** What {@code vserve status} and {@code GET /-/status} show. */
  private ClusterStatus status() {
    return ClusterStatus.of(node.nodeId(), startedMs, nodes.all(), apps.values());
  }

}
