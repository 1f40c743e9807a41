package dev.vserve.impl;

import dev.vserve.DeploymentHandle;
import dev.vserve.RequestRouter;
import dev.vserve.ServeOptions;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.bus.DeploymentAddress;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.handle.HandleImpl;
import dev.vserve.impl.router.DeploymentRouter;
import dev.vserve.impl.router.LocalReplica;
import dev.vserve.impl.router.ReplicaClients;
import dev.vserve.impl.router.ReplicaSetUpdate;
import dev.vserve.impl.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every vserve component on one Vert.x instance shares: the node id, the routers (one per
 * deployment, so the proxy and all handles see the same in-flight counts) and the latest route
 * table. It listens to the controller's announcements on the (possibly clustered) event bus.
 */
public final class NodeContext {
  /** The controller answers a {@code {app, deployment}} request here with the current replica set. */
  public static final String CONTROLLER_REPLICAS = "vserve.controller.replicas";
  /** The controller answers here with the current {@link RouteTable}. */
  public static final String CONTROLLER_ROUTES = "vserve.controller.routes";
  /** Replicas publish the multiplexed models they hold here: {@code {app, deployment, replica, models}}. */
  public static final String MODELS = "vserve.models";
  /** Replicas publish what they say of themselves for routers here: {@code {app, deployment, replica, stats}}. */
  public static final String ROUTING_STATS = "vserve.routing-stats";

  private static final Map<Vertx, NodeContext> BY_VERTX = new ConcurrentHashMap<>();
  private static final Map<String, NodeContext> BY_ID = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final String nodeId;
  private final long requestTimeoutMs;
  private final RequestRouter policy;
  private final Map<String, DeploymentRouter> routers = new ConcurrentHashMap<>();
  private final Map<String, LocalReplica> localReplicas = new ConcurrentHashMap<>();
  /** The {@link DeploymentAddress} consumers of the deployments this node knows, by router key. */
  private final Map<String, MessageConsumer<Object>> addresses = new ConcurrentHashMap<>();
  /** Nodes that left the cluster (ids are never reused): their replicas are gone for good. */
  private final java.util.Set<String> departed = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile Tracing tracing = Tracing.OFF;
  private volatile dev.vserve.impl.tasks.TaskBroker tasks;
  private volatile java.util.function.Supplier<byte[]> secret;
  /** Told when a call waits for a deployment that has no replica (see {@link DeploymentRouter#onColdDemand}). */
  private volatile java.util.function.Consumer<DeploymentRouter> coldDemand = r -> {};
  private volatile RouteTable routes = new RouteTable(-1, java.util.List.of());
  private final MessageConsumer<Object> replicaConsumer;
  private final MessageConsumer<Object> routeConsumer;
  private final MessageConsumer<Object> modelConsumer;
  private final MessageConsumer<Object> routingStatsConsumer;

  private NodeContext(Vertx vertx, String nodeId, ServeOptions options) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.requestTimeoutMs = options.getRequestTimeoutMs();
    this.policy = options.getRequestRouter();
    try {
      vertx.eventBus().registerCodec(new ServeCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // a previous node on this Vert.x registered it
    }
    replicaConsumer = vertx.eventBus().consumer(ReplicaSetUpdate.ADDRESS, m -> onReplicas(Json.convert(m.body(), ReplicaSetUpdate.class)));
    routeConsumer = vertx.eventBus().consumer(RouteTable.ADDRESS, m -> onRoutes(Json.convert(m.body(), RouteTable.class)));
    modelConsumer = vertx.eventBus().consumer(MODELS, m -> onModels(Json.convert(m.body(), Map.class)));
    routingStatsConsumer = vertx.eventBus().consumer(ROUTING_STATS, m -> onRoutingStats(Json.convert(m.body(), Map.class)));
  }

  /** Creates the context of {@code vertx}; one per Vert.x instance. */
  public static NodeContext create(Vertx vertx, String nodeId, ServeOptions options) {
    NodeContext ctx = new NodeContext(vertx, nodeId, options);
    if (BY_VERTX.putIfAbsent(vertx, ctx) != null) {
      ctx.unregister();
      throw new IllegalStateException("a vserve node already runs on this Vert.x instance");
    }
    BY_ID.put(nodeId, ctx);
    return ctx;
  }

  /** The context of the node running on {@code vertx}, or null. */
  public static NodeContext of(Vertx vertx) {
    return BY_VERTX.get(vertx);
  }

  /** The context of the node with this id in this JVM, or null. */
  public static NodeContext byNodeId(String nodeId) {
    return BY_ID.get(nodeId);
  }

  public Vertx vertx() { return vertx; }
  public String nodeId() { return nodeId; }
  public long requestTimeoutMs() { return requestTimeoutMs; }
  public RouteTable routes() { return routes; }
  public Tracing tracing() { return tracing; }
  /** The node's tracing, once its SDK is set up (off until then). */
  public void useTracing(Tracing t) { tracing = t; }
  /** The node's task queues (see {@link dev.vserve.tasks.Tasks}). */
  public dev.vserve.impl.tasks.TaskBroker tasks() { return tasks; }
  public void useTasks(dev.vserve.impl.tasks.TaskBroker t) { tasks = t; }
  /** A secret the nodes of the cluster share: it signs what only vserve may make (may block on first use). */
  public byte[] secret() { return secret.get(); }
  public void useSecret(java.util.function.Supplier<byte[]> s) { secret = s; }

  public DeploymentHandle handle(String app, String deployment) {
    return new HandleImpl(this, app, deployment, DeploymentHandle.DEFAULT_METHOD);
  }

  /** The router of a deployment, created on first use with the controller's current replica set. */
  public DeploymentRouter router(String app, String deployment) {
    String key = app + '/' + deployment;
    DeploymentRouter r = routers.get(key);
    if (r != null) return r;
    DeploymentRouter created = new DeploymentRouter(vertx, app, deployment, policy, new ReplicaClients(vertx, localReplicas::get), nodeId, departed::contains);
    r = routers.putIfAbsent(key, created);
    if (r != null) return r;
    created.onColdDemand(() -> coldDemand.accept(created));
    fetchReplicas(created, app, deployment);
    return created;
  }

  /** The routers of the deployments this node has called or been told of. */
  public java.util.Collection<DeploymentRouter> routers() {
    return java.util.Collections.unmodifiableCollection(routers.values());
  }

  /** Who hears of calls waiting for a deployment with no replica (the node's load reporter). */
  public void onColdDemand(java.util.function.Consumer<DeploymentRouter> listener) {
    coldDemand = listener;
  }

  /** Makes a replica of this node callable directly by its address (see {@link LocalReplica}). */
  public void registerLocal(String address, LocalReplica replica) {
    localReplicas.put(address, replica);
  }

  public void unregisterLocal(String address) {
    localReplicas.remove(address);
  }

  /**
   * Asks the controller for the route table until one answers: a node that joins a running cluster
   * has missed the announcements. Later changes arrive as announcements.
   */
  public void fetchRoutes() {
    if (closed) return;
    DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(5_000);
    vertx.eventBus().<Object>request(CONTROLLER_ROUTES, "", opts)
        .onSuccess(m -> onRoutes(Json.convert(m.body(), RouteTable.class)))
        .onFailure(err -> vertx.setTimer(500, t -> fetchRoutes()));
  }

  /** A node left the cluster: calls in flight to it fail fast or are retried (see {@link DeploymentRouter#nodeLeft}). */
  public void onNodeLeft(String leftNodeId) {
    departed.add(leftNodeId);
    for (DeploymentRouter r : routers.values()) r.nodeLeft(leftNodeId);
  }

  private void fetchReplicas(DeploymentRouter router, String app, String deployment) {
    DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(10_000);
    vertx.eventBus().<Object>request(CONTROLLER_REPLICAS, Map.of("app", app, "deployment", deployment), opts)
        .onSuccess(m -> router.update(Json.convert(m.body(), ReplicaSetUpdate.class)))
        .onFailure(err -> {
          if (err instanceof io.vertx.core.eventbus.ReplyException re && re.failureCode() == 404) {
            routers.remove(app + '/' + deployment, router);
            router.close("no deployment '" + deployment + "' in application '" + app + "'");
          }
          // otherwise the controller is not up yet: announcements will fill the router
        });
  }

  /** A replica's models: its deployment's router on this node (if this node calls it) routes by them. */
  private void onModels(Map<?, ?> report) {
    DeploymentRouter r = routerOf(report);
    if (r != null && report.get("models") instanceof java.util.List<?> models) {
      r.modelsOf(String.valueOf(report.get("replica")), new java.util.HashSet<>(models.stream().map(String::valueOf).toList()));
    }
  }

  /** The router on this node of the deployment a replica's report is about; null when this node does not call it. */
  private DeploymentRouter routerOf(Map<?, ?> report) {
    return routers.get(report.get("app") + "/" + report.get("deployment"));
  }

  /** A replica's routing stats: its deployment's router on this node (if this node calls it) hands them to a ranked router. */
  @SuppressWarnings("unchecked")
  private void onRoutingStats(Map<?, ?> report) {
    DeploymentRouter r = routerOf(report);
    if (r != null && report.get("stats") instanceof Map<?, ?> stats) r.routingStatsOf(String.valueOf(report.get("replica")), (Map<String, Object>) stats);
  }

  public void onReplicas(ReplicaSetUpdate u) {
    DeploymentRouter r = router(u.app(), u.deployment());
    r.update(u);
    addresses.computeIfAbsent(u.app() + '/' + u.deployment(),
        k -> DeploymentAddress.register(vertx, u.app(), u.deployment(), r, nodeId, requestTimeoutMs));
  }

  /** Applies a route table; applications that left it have their routers closed on this node. */
  public void onRoutes(RouteTable t) {
    RouteTable old;
    synchronized (this) {
      old = routes;
      if (t.version() <= old.version()) return;
      routes = t;
    }
    for (RouteTable.Route r : old.routes()) if (t.byApp(r.app()) == null) forgetApplication(r.app());
  }

  private void forgetApplication(String app) {
    addresses.entrySet().removeIf(e -> {
      if (!e.getKey().startsWith(app + '/')) return false;
      e.getValue().unregister();
      return true;
    });
    routers.entrySet().removeIf(e -> {
      if (!e.getKey().startsWith(app + '/')) return false;
      e.getValue().close("application '" + app + "' was deleted");
      return true;
    });
  }

  public Future<Void> close() {
    closed = true;
    BY_VERTX.remove(vertx, this);
    BY_ID.remove(nodeId, this);
    if (tasks != null) tasks.close();
    for (DeploymentRouter r : routers.values()) r.close("the vserve node is shutting down");
    routers.clear();
    java.util.List<Future<Void>> all = new java.util.ArrayList<>();
    for (MessageConsumer<Object> c : addresses.values()) all.add(c.unregister());
    addresses.clear();
    all.add(unregister());
    return Future.join(all).mapEmpty();
  }

  private Future<Void> unregister() {
    return Future.all(replicaConsumer.unregister(), routeConsumer.unregister(), modelConsumer.unregister(),
        routingStatsConsumer.unregister()).mapEmpty();
  }
}
