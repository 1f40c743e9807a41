package dev.vserve.controller;

import dev.vserve.ServeException;
import dev.vserve.cluster.Membership;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.cluster.NodeInfo;
import dev.vserve.impl.cluster.Placement;
import dev.vserve.impl.router.ReplicaInfo;
import dev.vserve.impl.router.ReplicaSetUpdate;
import dev.vserve.node.NodeAgentVerticle;
import dev.vserve.replica.ReplicaVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The control loop of the cluster (one, elected by {@link ControllerElection}): holds the desired
 * applications, places their replicas on nodes that have the resources, starts and stops them
 * through the nodes' {@link NodeAgentVerticle agents}, replaces replicas lost with a node, and
 * announces replica sets and routes to every router and proxy. All state is confined to this
 * verticle's event loop. When clustered, the state is written to the cluster map
 * {@link #STATE_MAP} after each change, so that a controller elected after this one's node died
 * carries on with the same applications and the replicas still running.
 */
public final class ControllerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ControllerVerticle.class.getName());
  public static final String DEPLOY = "vserve.controller.deploy";
  public static final String DELETE = "vserve.controller.delete";
  public static final String STATUS = "vserve.controller.status";
  static final String STATE_MAP = "vserve.controller";
  static final String STATE_KEY = "state";
  private static final long RECONCILE_MS = 1000;
  /** Starting a replica includes its constructor (model loading); a lost node fails it sooner. */
  private static final long START_TIMEOUT_MS = 600_000;
  /** Announcement versions a new controller skips, in case the old one published more than it saved. */
  private static final long VERSION_GAP = 1_000_000;

  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final NodeContext node;
  private final Membership membership;
  private final Map<String, AppState> apps = new LinkedHashMap<>();
  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
  private final Map<String, Set<Promise<Object>>> pendingStarts = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long routeVersion;
  private long replicaVersion;
  private boolean clustered;
  private AsyncMap<String, String> stateMap;
  private Consumer<String> leftListener;
  private long reconcileTimer = -1;
  private long startedMs;

  public ControllerVerticle(NodeContext node, Membership membership) {
    this.node = node;
    this.membership = membership;
  }

  /** A replica the controller placed: where, and with which GPUs. */
  public record ReplicaRecord(String id, String nodeId, List<Integer> gpuIds) {}

  record AppSnapshot(ApplicationPlan plan, String status, String message, Map<String, List<ReplicaRecord>> replicas) {}

  record Snapshot(long routeVersion, long replicaVersion, List<AppSnapshot> apps) {}

  private static final class AppState {
    final ApplicationPlan plan;
    final Map<String, DeploymentState> deployments = new LinkedHashMap<>();
    String status = "DEPLOYING";
    String message = "";

    AppState(ApplicationPlan plan) {
      this.plan = plan;
      for (DeploymentPlan d : plan.deployments()) deployments.put(d.name(), new DeploymentState(d));
    }
  }

  private static final class DeploymentState {
    final DeploymentPlan plan;
    final Placement.Demand demand;
    final List<ReplicaRecord> running = new ArrayList<>();
    final List<ReplicaRecord> starting = new ArrayList<>();
    /** Out of routing and being stopped; they hold their resources until they are gone. */
    final List<ReplicaRecord> unhealthy = new ArrayList<>();
    String message = "";
    /** Back-off after failed starts, so a constructor that always throws is not retried every second. */
    int failures;
    long nextAttemptMs;

    DeploymentState(DeploymentPlan plan) {
      this.plan = plan;
      this.demand = Placement.Demand.of(plan.config());
    }

    int target() {
      return plan.config().getNumReplicas();
    }

    String status() {
      if (running.size() >= target()) return "HEALTHY";
      return message.isEmpty() ? "UPDATING" : "UNHEALTHY";
    }
  }

  @Override
  public Future<?> start() {
    startedMs = System.currentTimeMillis();
    clustered = ((VertxInternal) vertx).isClustered();
    leftListener = id -> vertx.runOnContext(v -> nodeLeft(id));
    membership.onLeft(leftListener);
    return vertx.sharedData().<String, String>getAsyncMap(STATE_MAP)
        .compose(m -> {
          stateMap = m;
          return refreshNodes();
        })
        .compose(v -> clustered ? restore() : Future.succeededFuture())
        .compose(v -> {
          var bus = vertx.eventBus();
          consumers.add(bus.<Object>consumer(DEPLOY, m -> reply(m, deployApp(Json.convert(m.body(), ApplicationPlan.class)).map(ApplicationPlan::name))));
          consumers.add(bus.<Object>consumer(DELETE, m -> reply(m, delete((String) m.body()).map(x -> "deleted"))));
          consumers.add(bus.<Object>consumer(NodeContext.CONTROLLER_REPLICAS, this::onReplicaQuery));
          consumers.add(bus.<Object>consumer(NodeContext.CONTROLLER_ROUTES, m -> m.reply(routeTable(), CODEC)));
          consumers.add(bus.<Object>consumer(STATUS, m -> m.reply(status(), CODEC)));
          consumers.add(bus.<Object>consumer(dev.vserve.replica.ReplicaVerticle.UNHEALTHY, m -> {
            Map<?, ?> report = Json.convert(m.body(), Map.class);
            replicaUnhealthy(String.valueOf(report.get("replica")), String.valueOf(report.get("reason")));
          }));
          consumers.add(bus.<Object>consumer(NodeAgentVerticle.JOINED, m -> {
            NodeInfo n = Json.convert(m.body(), NodeInfo.class);
            nodes.put(n.nodeId(), n);
            reconcile();
          }));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .onSuccess(v -> {
          publishAll();
          // the cluster map is read only while something is missing: nodes announce themselves when they join
          reconcileTimer = vertx.setPeriodic(RECONCILE_MS, t -> {
            if (belowTarget()) refreshNodes().onComplete(x -> reconcile());
          });
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
    return Future.succeededFuture();
  }

  private void reply(Message<Object> m, Future<?> result) {
    result.onSuccess(v -> m.reply(v, CODEC)).onFailure(err -> Failures.fail(m, err));
  }

  // ---- applications ----

  /** Replaces any application of the same name; completes with the plan once every replica is up. */
  private Future<ApplicationPlan> deployApp(ApplicationPlan plan) {
    for (AppState other : apps.values()) {
      if (!other.plan.name().equals(plan.name()) && other.plan.routePrefix().equals(plan.routePrefix())) {
        return Future.failedFuture(new ServeException(409, "RoutePrefixTaken", "route prefix " + plan.routePrefix()
            + " is already used by application '" + other.plan.name() + "'"));
      }
    }
    Future<Void> previous = apps.containsKey(plan.name()) ? delete(plan.name()) : Future.succeededFuture();
    return previous.compose(v -> refreshNodes()).compose(v -> {
      AppState state = new AppState(plan);
      // place every replica before starting any: an application that cannot fit is refused whole
      Placement placement = placement();
      Map<String, List<Placement.Slot>> slots = new LinkedHashMap<>();
      for (DeploymentState d : state.deployments.values()) {
        List<Placement.Slot> placed = new ArrayList<>();
        for (int i = 0; i < d.target(); i++) {
          Placement.Slot s = placement.place(key(plan.name(), d.plan.name()), d.demand);
          if (s == null) {
            return Future.failedFuture(new ServeException(503, "Unschedulable", "deployment '" + d.plan.name()
                + "' of application '" + plan.name() + "' cannot be placed (" + (i == 0 ? "no" : "only " + i + " of " + d.target())
                + " replicas fit): " + placement.explain(d.demand)
                + ". Start nodes that offer more (vserve start --cluster --num-cpus N --num-gpus N) or ask for less (num_cpus, num_gpus)"));
          }
          placed.add(s);
        }
        slots.put(d.plan.name(), placed);
      }
      apps.put(plan.name(), state);
      persist();
      List<Future<Void>> all = new ArrayList<>();
      for (DeploymentState d : state.deployments.values()) {
        for (Placement.Slot s : slots.get(d.plan.name())) all.add(startReplica(state, d, s));
      }
      return Future.join(all).transform(ar -> {
        if (ar.succeeded() && apps.get(plan.name()) == state) {
          state.status = "RUNNING";
          publishRoutes();
          persist();
          return Future.succeededFuture(plan);
        }
        state.status = "DEPLOY_FAILED";
        state.message = ar.failed() ? ar.cause().getMessage() : "replaced while deploying";
        Future<Void> cleanup = apps.get(plan.name()) == state ? delete(plan.name()) : Future.succeededFuture();
        return cleanup.transform(x -> Future.failedFuture(
            new ServeException(500, "DeployFailed", "application '" + plan.name() + "' failed to deploy: " + state.message)));
      });
    });
  }

  /**
   * Starts one replica on its node; it is announced as soon as it is up, so that a dependent's
   * constructor may already call it.
   */
  private Future<Void> startReplica(AppState app, DeploymentState d, Placement.Slot slot) {
    String id = app.plan.name() + "#" + d.plan.name() + "#" + randomSuffix();
    ReplicaRecord r = new ReplicaRecord(id, slot.nodeId(), slot.gpuIds());
    d.starting.add(r);
    Promise<Object> started = Promise.promise();
    pendingStarts.computeIfAbsent(slot.nodeId(), k -> new HashSet<>()).add(started);
    DeliveryOptions opts = new DeliveryOptions(CODEC).setSendTimeout(START_TIMEOUT_MS);
    vertx.eventBus().request(NodeAgentVerticle.address(slot.nodeId()),
            NodeAgentVerticle.Command.start(app.plan.name(), d.plan, id, slot.gpuIds()), opts)
        .onComplete(ar -> {
          Set<Promise<Object>> pending = pendingStarts.get(slot.nodeId());
          if (pending != null) pending.remove(started);
          if (ar.succeeded()) started.tryComplete(id);
          else started.tryFail(Failures.toServeException(ar.cause()));
        });
    return started.future().transform(ar -> {
      d.starting.remove(r);
      if (apps.get(app.plan.name()) != app) {
        if (ar.succeeded()) stopReplica(r);
        return Future.failedFuture("application '" + app.plan.name() + "' was deleted while replica " + id + " started");
      }
      if (ar.failed()) {
        d.failures++;
        d.nextAttemptMs = System.currentTimeMillis() + Math.min(30_000L, 1000L << Math.min(d.failures, 5));
        d.message = "replica " + id + " failed to start on node " + Placement.shortId(slot.nodeId()) + ": " + ar.cause().getMessage();
        return Future.failedFuture(ar.cause());
      }
      d.failures = 0;
      d.message = "";
      d.running.add(r);
      publishReplicas(app, d);
      persist();
      return Future.succeededFuture();
    });
  }

  private Future<Void> stopReplica(ReplicaRecord r) {
    DeliveryOptions opts = new DeliveryOptions(CODEC).setSendTimeout(120_000);
    return vertx.eventBus().request(NodeAgentVerticle.address(r.nodeId()), NodeAgentVerticle.Command.stop(r.id()), opts)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());  // its node is gone, and the replica with it
  }

  private Future<Void> delete(String appName) {
    AppState state = apps.remove(appName);
    if (state == null) return Future.failedFuture(new ServeException(404, "NotFound", "no application named '" + appName + "'"));
    state.status = "DELETING";
    publishRoutes();
    persist();
    List<Future<Void>> stops = new ArrayList<>();
    for (DeploymentState d : state.deployments.values()) {
      for (ReplicaRecord r : d.running) stops.add(stopReplica(r));
    }
    return Future.join(stops).mapEmpty();
  }

  // ---- nodes ----

  /** Reads the advertised nodes, keeping those still members; entries of departed nodes are removed. */
  private Future<Void> refreshNodes() {
    return vertx.sharedData().<String, String>getAsyncMap(NodeAgentVerticle.NODES_MAP)
        .compose(m -> m.entries().map(entries -> {
          Set<String> members = membership.nodes();
          nodes.clear();
          for (var e : entries.entrySet()) {
            if (members.contains(e.getKey())) {
              try {
                nodes.put(e.getKey(), Json.MAPPER.readValue(e.getValue(), NodeInfo.class));
              } catch (java.io.IOException bad) {
                LOG.log(Level.WARNING, "node " + e.getKey() + " advertises unreadable resources: " + bad.getMessage());
              }
            } else {
              m.remove(e.getKey());
            }
          }
          return null;
        }));
  }

  /**
   * A node left: its replicas are gone. Drop them from the sets (routers on every node already
   * stopped sending there), fail starts that waited on it, and place replacements on the others.
   */
  private void nodeLeft(String nodeId) {
    nodes.remove(nodeId);
    Set<Promise<Object>> starts = pendingStarts.remove(nodeId);
    if (starts != null) {
      for (Promise<Object> p : new ArrayList<>(starts)) {
        p.tryFail(new ServeException(503, "NodeLost", "node " + Placement.shortId(nodeId) + " left the cluster"));
      }
    }
    int lost = 0;
    for (AppState app : apps.values()) {
      for (DeploymentState d : app.deployments.values()) {
        int before = d.running.size();
        d.running.removeIf(r -> r.nodeId().equals(nodeId));
        if (d.running.size() != before) {
          lost += before - d.running.size();
          publishReplicas(app, d);
        }
      }
    }
    if (lost > 0) {
      LOG.log(Level.WARNING, "node " + Placement.shortId(nodeId) + " left the cluster with " + lost + " replica(s); replacing them");
    }
    persist();
    reconcile();
  }

  /**
   * A replica reported itself stuck (see ReplicaHealth): out of the replica set at once, stopped
   * (its code cancelled), and replaced as Ray replaces a replica that fails its health check.
   */
  private void replicaUnhealthy(String replicaId, String reason) {
    for (AppState app : apps.values()) {
      for (DeploymentState d : app.deployments.values()) {
        ReplicaRecord r = d.running.stream().filter(x -> x.id().equals(replicaId)).findFirst().orElse(null);
        if (r == null) continue;
        d.running.remove(r);
        d.unhealthy.add(r);
        d.message = "replica " + replicaId + " was UNHEALTHY (" + reason + "); replacing it";
        LOG.log(Level.WARNING, d.message);
        publishReplicas(app, d);
        persist();
        stopReplica(r).onComplete(x -> d.unhealthy.remove(r));
        reconcile();
        return;
      }
    }
  }

  private Placement placement() {
    Placement p = new Placement(nodes.values());
    for (AppState app : apps.values()) {
      for (DeploymentState d : app.deployments.values()) {
        String k = key(app.plan.name(), d.plan.name());
        for (ReplicaRecord r : d.running) p.reserve(r.nodeId(), k, d.demand, r.gpuIds());
        for (ReplicaRecord r : d.starting) p.reserve(r.nodeId(), k, d.demand, r.gpuIds());
        for (ReplicaRecord r : d.unhealthy) p.reserve(r.nodeId(), k, d.demand, r.gpuIds());
      }
    }
    return p;
  }

  private boolean belowTarget() {
    for (AppState app : apps.values()) {
      if (!app.status.equals("RUNNING")) continue;
      for (DeploymentState d : app.deployments.values()) if (missing(d) > 0) return true;
    }
    return false;
  }

  private static int missing(DeploymentState d) {
    return d.target() - d.running.size() - d.starting.size();
  }

  /** Starts the replicas running applications lack (lost with a node, or not placeable before). */
  private void reconcile() {
    Placement placement = null;
    long now = System.currentTimeMillis();
    for (AppState app : apps.values()) {
      if (!app.status.equals("RUNNING")) continue;
      for (DeploymentState d : app.deployments.values()) {
        int missing = missing(d);
        if (missing <= 0 || now < d.nextAttemptMs) continue;
        if (placement == null) placement = placement();
        for (int i = 0; i < missing; i++) {
          Placement.Slot s = placement.place(key(app.plan.name(), d.plan.name()), d.demand);
          if (s == null) {
            d.message = (missing - i) + " replica(s) cannot be placed: " + placement.explain(d.demand);
            break;
          }
          startReplica(app, d, s).onFailure(err -> LOG.log(Level.WARNING, d.message));
        }
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
    return stateMap.get(STATE_KEY).compose(json -> {
      if (json == null) return Future.succeededFuture();
      Snapshot s;
      try {
        s = Json.MAPPER.readValue(json, Snapshot.class);
      } catch (java.io.IOException | RuntimeException e) {
        LOG.log(Level.ERROR, "the saved controller state cannot be read; starting empty", e);
        return Future.succeededFuture();
      }
      routeVersion = s.routeVersion() + VERSION_GAP;
      replicaVersion = s.replicaVersion() + VERSION_GAP;
      for (AppSnapshot a : s.apps()) {
        AppState st = new AppState(a.plan());
        st.status = a.status();
        st.message = a.message();
        a.replicas().forEach((dep, rs) -> {
          DeploymentState d = st.deployments.get(dep);
          if (d != null) d.running.addAll(rs);
        });
        apps.put(a.plan().name(), st);
      }
      return adoptRunningReplicas().onSuccess(v -> LOG.log(Level.INFO, "controller took over " + apps.size()
          + " application(s) on node " + Placement.shortId(node.nodeId())));
    });
  }

  private Future<Void> adoptRunningReplicas() {
    List<Future<Void>> asks = new ArrayList<>();
    Map<String, Set<String>> runningByNode = new HashMap<>();
    for (String n : nodes.keySet()) {
      asks.add(vertx.eventBus().request(NodeAgentVerticle.address(n), NodeAgentVerticle.Command.list(), new DeliveryOptions(CODEC).setSendTimeout(5_000))
          .map(m -> {
            Set<String> ids = new HashSet<>();
            for (Object o : Json.<List<?>>convert(m.body(), List.class)) ids.add(String.valueOf(o));
            runningByNode.put(n, ids);
            return (Void) null;
          })
          .recover(err -> Future.succeededFuture()));
    }
    return Future.join(asks).transform(x -> {
      Set<String> known = new HashSet<>();
      for (AppState app : apps.values()) {
        for (DeploymentState d : app.deployments.values()) {
          d.running.removeIf(r -> !runningByNode.getOrDefault(r.nodeId(), Set.of()).contains(r.id()));
          for (ReplicaRecord r : d.running) known.add(r.id());
        }
      }
      // started by the old controller after its last save, or belonging to a deleted application
      runningByNode.forEach((n, ids) -> {
        for (String id : ids) if (!known.contains(id)) stopReplica(new ReplicaRecord(id, n, List.of()));
      });
      return Future.succeededFuture();
    });
  }

  private void persist() {
    if (!clustered) return;
    List<AppSnapshot> list = new ArrayList<>();
    for (AppState a : apps.values()) {
      Map<String, List<ReplicaRecord>> replicas = new LinkedHashMap<>();
      a.deployments.forEach((n, d) -> replicas.put(n, List.copyOf(d.running)));
      list.add(new AppSnapshot(a.plan, a.status, a.message, replicas));
    }
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(new Snapshot(routeVersion, replicaVersion, list));
    } catch (java.io.IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "controller state cannot be saved (are all init arguments JSON values?); "
          + "a controller taking over would not know the latest applications", e);
      return;
    }
    stateMap.put(STATE_KEY, json).onFailure(err -> LOG.log(Level.WARNING, "saving the controller state failed", err));
  }

  // ---- announcements and queries ----

  private void publishAll() {
    for (AppState app : apps.values()) for (DeploymentState d : app.deployments.values()) publishReplicas(app, d);
    publishRoutes();
  }

  private void publishReplicas(AppState app, DeploymentState d) {
    vertx.eventBus().publish(ReplicaSetUpdate.ADDRESS, replicaSet(app, d), CODEC);
  }

  private ReplicaSetUpdate replicaSet(AppState app, DeploymentState d) {
    List<ReplicaInfo> infos = new ArrayList<>();
    for (ReplicaRecord r : d.running) infos.add(new ReplicaInfo(r.id(), ReplicaVerticle.address(r.id()), r.nodeId()));
    var c = d.plan.config();
    return new ReplicaSetUpdate(app.plan.name(), d.plan.name(), ++replicaVersion,
        c.getMaxOngoingRequests(), c.getMaxQueuedRequests(), c.isIdempotent(), List.copyOf(infos));
  }

  private void onReplicaQuery(Message<Object> m) {
    Map<?, ?> q = Json.convert(m.body(), Map.class);
    AppState state = apps.get(String.valueOf(q.get("app")));
    DeploymentState d = state == null ? null : state.deployments.get(String.valueOf(q.get("deployment")));
    if (d == null) {
      Failures.fail(m, new ServeException(404, "NotFound", "no deployment " + q.get("deployment") + " in application " + q.get("app")));
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

  /** What {@code vserve status} and {@code GET /-/status} show. */
  private Map<String, Object> status() {
    Map<String, Integer> perNode = new HashMap<>();
    List<Map<String, Object>> appList = new ArrayList<>();
    for (AppState a : apps.values()) {
      List<Map<String, Object>> deps = new ArrayList<>();
      for (DeploymentState d : a.deployments.values()) {
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (ReplicaRecord r : d.running) perNode.merge(r.nodeId(), 1, Integer::sum);
        d.running.forEach(r -> replicas.add(Map.of("id", r.id(), "node", r.nodeId(), "state", "RUNNING", "gpu_ids", r.gpuIds())));
        d.starting.forEach(r -> replicas.add(Map.of("id", r.id(), "node", r.nodeId(), "state", "STARTING", "gpu_ids", r.gpuIds())));
        d.unhealthy.forEach(r -> replicas.add(Map.of("id", r.id(), "node", r.nodeId(), "state", "UNHEALTHY", "gpu_ids", r.gpuIds())));
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("name", d.plan.name());
        dm.put("status", d.status());
        dm.put("message", d.message);
        dm.put("target_replicas", d.target());
        dm.put("replicas", replicas);
        deps.add(dm);
      }
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("name", a.plan.name());
      am.put("route_prefix", a.plan.routePrefix());
      am.put("status", a.status);
      am.put("message", a.message);
      am.put("deployments", deps);
      appList.add(am);
    }
    List<Map<String, Object>> nodeList = new ArrayList<>();
    for (NodeInfo n : nodes.values()) {
      Map<String, Object> nm = new LinkedHashMap<>();
      nm.put("id", n.nodeId());
      nm.put("http", n.httpPort() > 0 ? "http://" + n.host() + ":" + n.httpPort() : "");
      nm.put("resources", n.limited() ? n.resources() : Map.of());
      nm.put("replicas", perNode.getOrDefault(n.nodeId(), 0));
      nm.put("controller", n.nodeId().equals(node.nodeId()));
      nodeList.add(nm);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("controller", Map.of("node", node.nodeId(), "since_ms", startedMs));
    out.put("nodes", nodeList);
    out.put("applications", appList);
    return out;
  }

  private static String key(String app, String deployment) {
    return app + '/' + deployment;
  }

  private static String randomSuffix() {
    return Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36).substring(0, 6);
  }
}
