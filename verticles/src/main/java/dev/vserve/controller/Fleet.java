package dev.vserve.controller;

import dev.vserve.ServeException;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.cluster.Placement;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The controller's replicas: starts them where {@link Placement} puts them, retires them (out of
 * routing first, then drained and stopped) when a deployment shrinks or its code is replaced, and
 * brings every running application's deployments to their targets. Runs on the controller's event
 * loop, like all of its state.
 */
final class Fleet {
  private static final System.Logger LOG = System.getLogger(Fleet.class.getName());

  private final Map<String, ApplicationState> apps;
  private final NodeRegistry nodes;
  private final Agents agents;
  private final Announcer announcer;
  private final Runnable persist;
  private final Map<String, Set<Promise<Object>>> pendingStarts = new HashMap<>();

  Fleet(Map<String, ApplicationState> apps, NodeRegistry nodes, Agents agents, Announcer announcer, Runnable persist) {
    this.apps = apps;
    this.nodes = nodes;
    this.agents = agents;
    this.announcer = announcer;
    this.persist = persist;
  }

  Placement placement() {
    Placement p = new Placement(nodes.all());
    for (ApplicationState app : apps.values()) {
      for (DeploymentState d : app.deployments.values()) {
        for (ReplicaRecord r : d.holding()) p.reserve(r.nodeId(), key(app.name(), d.name()), d.demand, r.gpuIds());
      }
    }
    return p;
  }

  /**
   * Starts one replica on its node; it is announced as soon as it is up, so that a dependent's
   * constructor may already call it. An outdated replica (rolling update) or one past the target
   * (the deployment shrank meanwhile) is retired in its place.
   */
  Future<Void> startReplica(ApplicationState app, DeploymentState d, Placement.Slot slot) {
    ReplicaRecord r = new ReplicaRecord(app.name() + "#" + d.name() + "#" + randomSuffix(), slot.nodeId(), slot.gpuIds());
    d.starting.add(r);
    int codeVersion = d.codeVersion;
    Promise<Object> started = Promise.promise();
    pendingStarts.computeIfAbsent(slot.nodeId(), k -> new HashSet<>()).add(started);
    agents.start(app.name(), d.plan, r).onComplete(ar -> {
      Set<Promise<Object>> pending = pendingStarts.get(slot.nodeId());
      if (pending != null) pending.remove(started);
      if (ar.succeeded()) started.tryComplete(r.id());
      else started.tryFail(Failures.toServeException(ar.cause()));
    });
    return started.future().transform(ar -> {
      if (apps.get(app.name()) != app || !app.deployments.containsValue(d)) {
        d.starting.remove(r);
        if (ar.succeeded()) agents.stop(r);
        return Future.failedFuture("application '" + app.name() + "' was deleted while replica " + r.id() + " started");
      }
      if (ar.failed()) {
        d.startFailed(r, "replica " + r.id() + " failed to start on node " + Placement.shortId(slot.nodeId()) + ": "
            + ar.cause().getMessage(), System.currentTimeMillis());
        return Future.failedFuture(ar.cause());
      }
      d.started(r);
      if (codeVersion != d.codeVersion) d.outdated.add(r);  // the code changed while it started
      announcer.replicas(app, d);
      persist.run();
      if (app.running()) trim(app, d);
      return Future.succeededFuture();
    });
  }

  /**
   * Retires replicas past the target: outdated ones first, each as soon as a current one is up to take
   * its place (a rolling update never serves with fewer than the target), then the newest.
   */
  void trim(ApplicationState app, DeploymentState d) {
    List<ReplicaRecord> retired = new ArrayList<>();
    while (d.serving() > d.target()) retired.add(d.retireOne());
    if (retired.isEmpty()) return;
    // callers stop sending before the replicas stop taking calls; what they sent meanwhile is refused and re-routed
    announcer.replicas(app, d);
    persist.run();
    for (ReplicaRecord r : retired) agents.stop(r).onComplete(x -> d.stopping.remove(r));
  }

  /** Brings running applications to their targets: starts what is missing, retires what is too much. */
  void reconcile() {
    Placement placement = null;
    long now = System.currentTimeMillis();
    for (ApplicationState app : apps.values()) {
      if (!app.running()) continue;
      for (DeploymentState d : app.deployments.values()) {
        trim(app, d);
        int missing = d.missing();
        if (missing <= 0 || !d.mayStart(now)) continue;
        if (placement == null) placement = placement();
        for (int i = 0; i < missing; i++) {
          Placement.Slot s = placement.place(key(app.name(), d.name()), d.demand);
          if (s == null) {
            d.note((missing - i) + " replica(s) cannot be placed: " + placement.explain(d.demand));
            break;
          }
          startReplica(app, d, s).onFailure(err -> LOG.log(Level.WARNING, d.message()));
        }
      }
    }
  }

  /** Fails starts that waited on a node that left. */
  void nodeLeft(String nodeId) {
    Set<Promise<Object>> starts = pendingStarts.remove(nodeId);
    if (starts == null) return;
    for (Promise<Object> p : new ArrayList<>(starts)) {
      p.tryFail(new ServeException(503, "NodeLost", "node " + Placement.shortId(nodeId) + " left the cluster"));
    }
  }

  /** Stops every replica of an application being deleted. */
  Future<Void> stopAll(ApplicationState state) {
    List<Future<Void>> stops = new ArrayList<>();
    for (DeploymentState d : state.deployments.values()) stops.add(stopAll(d));
    return Future.join(stops).mapEmpty();
  }

  Future<Void> stopAll(DeploymentState d) {
    List<Future<Void>> stops = new ArrayList<>();
    for (ReplicaRecord r : d.running) stops.add(agents.stop(r));
    return Future.join(stops).mapEmpty();
  }

  static String key(String app, String deployment) {
    return app + '/' + deployment;
  }

  private static String randomSuffix() {
    return Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36).substring(0, 6);
  }
}
