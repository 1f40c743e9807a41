package dev.vserve.controller;

import dev.vserve.AutoscalingContext;
import dev.vserve.AutoscalingPolicy;
import dev.vserve.impl.autoscale.DeploymentAutoscaler;
import dev.vserve.impl.autoscale.LoadReport;
import dev.vserve.impl.autoscale.ScalingRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The controller's autoscaler: every tick (Ray's 100 ms control loop) it sums the load the nodes
 * reported for each autoscaled deployment, runs the deployment's policy (or its application's) and
 * sets the deployment's target; the {@link Fleet} then starts or retires replicas. A node's report
 * counts until three of its intervals have passed; a silent node counts as idle. Custom policies run
 * off the event loop (user code may block, a Python one runs in its own context); their decision is
 * applied when it comes back, and a tick is skipped while one is still running.
 */
final class AutoscalingLoop {
  private final Vertx vertx;
  private final Map<String, ApplicationState> apps;
  private final Fleet fleet;
  private final Policies policies;
  private final Map<String, DeploymentAutoscaler> scalers = new HashMap<>();
  /** Deployment key, then node id: its latest report and when it came. */
  private final Map<String, Map<String, Reported>> loads = new HashMap<>();
  private long timer = -1;

  private record Reported(LoadReport.Entry entry, long atMs) {}

  AutoscalingLoop(Vertx vertx, Map<String, ApplicationState> apps, Fleet fleet) {
    this.vertx = vertx;
    this.apps = apps;
    this.fleet = fleet;
    this.policies = new Policies(vertx);
  }

  void start() {
    timer = vertx.setPeriodic(ScalingRules.TICK_MS, t -> tick());
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    policies.closeAll();
  }

  void onLoad(LoadReport report) {
    long now = System.currentTimeMillis();
    for (LoadReport.Entry e : report.entries()) {
      String key = Fleet.key(e.app(), e.deployment());
      loads.computeIfAbsent(key, k -> new HashMap<>()).put(report.nodeId(), new Reported(e, now));
      if (report.cold()) coldStart(e.app(), e.deployment());
    }
  }

  void onStats(LoadReport.Stats s) {
    DeploymentAutoscaler a = scalers.get(Fleet.key(s.app(), s.deployment()));
    if (a != null) a.observeStats(System.currentTimeMillis(), s.replica(), s.stats());
  }

  /** Calls wait for a deployment with no replica: decide now, not at the next tick. */
  private void coldStart(String app, String deployment) {
    ApplicationState a = apps.get(app);
    DeploymentState d = a == null ? null : a.deployments.get(deployment);
    if (d == null || !a.running() || !d.autoscaled() || d.serving() > 0 || d.target() > 0) return;
    DeploymentAutoscaler s = scaler(a, d);
    long now = System.currentTimeMillis();
    observe(s, a, d, now);
    setTarget(a, d, s.decide(now, 0, 0), now);
  }

  /** The external scaler's (or an operator's) count: taken as the new target, within the autoscaling bounds if any. */
  int scaleTo(ApplicationState a, DeploymentState d, int wanted) {
    var c = d.plan.config().getAutoscalingConfig();
    int n = c == null ? wanted : ScalingRules.bound(wanted, c.getMinReplicas(), c.getMaxReplicas());
    setTarget(a, d, n, System.currentTimeMillis());
    return n;
  }

  private void tick() {
    long now = System.currentTimeMillis();
    scalers.keySet().removeIf(k -> !autoscaled(k));
    for (ApplicationState a : apps.values()) {
      if (!a.running()) continue;
      Map<String, AutoscalingContext> forApp = new LinkedHashMap<>();
      for (DeploymentState d : a.deployments.values()) {
        if (!d.autoscaled()) continue;
        DeploymentAutoscaler s = scaler(a, d);
        observe(s, a, d, now);
        if (a.plan.autoscalingPolicy() != null) {
          forApp.put(d.name(), s.context(now, d.current(), d.target()));
        } else if (d.plan.config().getAutoscalingConfig().getPolicy() == null) {
          setTarget(a, d, s.decide(now, d.current(), d.target()), now);
        } else {
          customTick(a, d, s, now);
        }
      }
      if (!forApp.isEmpty()) applicationTick(a, forApp, now);
    }
  }

  /** A deployment's own policy: the cold-start path at once, else the policy off the event loop. */
  private void customTick(ApplicationState a, DeploymentState d, DeploymentAutoscaler s, long now) {
    AutoscalingContext ctx = s.context(now, d.current(), d.target());
    int cold = ScalingRules.coldStart(ctx);
    if (cold >= 0) {
      setTarget(a, d, cold, now);
      return;
    }
    String key = Fleet.key(a.name(), d.name());
    AutoscalingPolicy p = policies.deployment(key, d.plan);
    if (p == null) return;
    Future<AutoscalingPolicy.Decision> call = policies.run(key, () -> p.decide(ctx));
    if (call == null) return;
    call.onComplete(ar -> {
      if (ar.failed()) s.policyFailed(String.valueOf(ar.cause()));
      else apply(a, d, s, ctx, ar.result());
    });
  }

  private void apply(ApplicationState a, DeploymentState d, DeploymentAutoscaler s, AutoscalingContext ctx, AutoscalingPolicy.Decision decision) {
    if (apps.get(a.name()) != a || scalers.get(Fleet.key(a.name(), d.name())) != s) return;
    setTarget(a, d, s.apply(ctx, decision), System.currentTimeMillis());
  }

  /** The application's policy decides for all its autoscaled deployments at once; those it leaves out keep their size. */
  private void applicationTick(ApplicationState a, Map<String, AutoscalingContext> contexts, long now) {
    String key = a.name() + "/*";
    AutoscalingPolicy.ForApplication p = policies.application(key, a.plan);
    if (p == null) return;
    Future<Map<String, AutoscalingPolicy.Decision>> call = policies.run(key, () -> p.decide(contexts));
    if (call == null) return;
    call.onComplete(ar -> {
      contexts.forEach((name, ctx) -> {
        DeploymentState d = a.deployments.get(name);
        DeploymentAutoscaler s = scalers.get(Fleet.key(a.name(), name));
        if (d == null || s == null) return;
        if (ar.failed()) {
          s.policyFailed(String.valueOf(ar.cause()));
        } else if (ar.result() == null) {
          s.policyFailed("it returned nothing");
        } else if (ar.result().containsKey(name)) {
          apply(a, d, s, ctx, ar.result().get(name));
        }
      });
    });
  }

  private DeploymentAutoscaler scaler(ApplicationState a, DeploymentState d) {
    String key = Fleet.key(a.name(), d.name());
    var config = d.plan.config().getAutoscalingConfig();
    DeploymentAutoscaler s = scalers.get(key);
    if (s != null && !Objects.equals(s.config().getPolicy(), config.getPolicy())) {
      policies.forget(key);
      s = null;
    }
    if (s == null) {
      s = new DeploymentAutoscaler(a.name(), d.name(), config);
      scalers.put(key, s);
    } else if (s.config() != config && !s.config().equals(config)) {  // equal unless a redeploy changed it
      s.reconfigure(config);
    }
    return s;
  }

  /** Sums the fresh reports of every node into this tick's sample. */
  private void observe(DeploymentAutoscaler s, ApplicationState a, DeploymentState d, long now) {
    Map<String, Reported> byNode = loads.getOrDefault(Fleet.key(a.name(), d.name()), Map.of());
    double total = 0;
    double queued = 0;
    Map<String, Double> perReplica = new HashMap<>();
    for (ReplicaRecord r : d.running) perReplica.put(r.id(), 0.0);
    for (var it = byNode.values().iterator(); it.hasNext(); ) {
      Reported rep = it.next();
      if (now - rep.atMs() > 3 * Math.max(rep.entry().intervalMs(), ScalingRules.TICK_MS) + 1000) {
        it.remove();
        continue;
      }
      total += rep.entry().total();
      queued += rep.entry().queued();
      rep.entry().inFlight().forEach((id, v) -> perReplica.computeIfPresent(id, (k, old) -> old + v));
    }
    var tasks = d.plan.config().getTaskConsumer();
    var node = dev.vserve.impl.NodeContext.of(vertx);
    if (tasks != null && node != null && node.tasks() != null) {
      // a consumer's running tasks are its ongoing requests too (they reach it past the routers)
      total += node.tasks().lastInFlight(tasks.getQueueName());
      s.observeTaskQueue(node.tasks().lastDepth(tasks.getQueueName()));
    }
    s.observe(now, total, queued, perReplica);
  }

  private void setTarget(ApplicationState a, DeploymentState d, int n, long now) {
    if (n == d.target() || apps.get(a.name()) != a) return;
    DeploymentAutoscaler s = scalers.get(Fleet.key(a.name(), d.name()));
    if (s != null) s.scaled(now, d.target(), n);
    d.target = n;
    fleet.reconcile();
  }

  private boolean autoscaled(String key) {
    int slash = key.indexOf('/');
    ApplicationState a = apps.get(key.substring(0, slash));
    DeploymentState d = a == null ? null : a.deployments.get(key.substring(slash + 1));
    return d != null && d.autoscaled();
  }

  /** An application was deleted or replaced: its figures and policies go. */
  void forget(String app) {
    scalers.keySet().removeIf(k -> k.startsWith(app + '/'));
    loads.keySet().removeIf(k -> k.startsWith(app + '/'));
    policies.forgetApplication(app);
  }
}
