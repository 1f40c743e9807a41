package dev.vserve.controller;

import dev.vserve.DeploymentConfig;
import dev.vserve.ServeException;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.replica.ReplicaVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running application deployed again under its name, by Ray's rules ({@link Redeploy}): settings
 * go to the running replicas in place; changed code rolls, new replicas up before old ones drain
 * (the {@link Fleet} retires an outdated replica for each new one), so callers see no errors. The
 * deploy completes when the rollout has, and fails if the new code keeps failing to start (the old
 * replicas keep serving meanwhile, and the deployment is DEPLOY_FAILED).
 */
final class Rollout {
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(120_000);
  private static final long CHECK_MS = 100;

  private final Vertx vertx;
  private final Map<String, ApplicationState> apps;
  private final Fleet fleet;
  private final Announcer announcer;
  private final Runnable persist;

  Rollout(Vertx vertx, Map<String, ApplicationState> apps, Fleet fleet, Announcer announcer, Runnable persist) {
    this.vertx = vertx;
    this.apps = apps;
    this.fleet = fleet;
    this.announcer = announcer;
    this.persist = persist;
  }

  Future<ApplicationPlan> apply(ApplicationState app, ApplicationPlan plan) {
    Map<String, Redeploy.Change> changes = Redeploy.changes(app.plan, plan);
    boolean routesChanged = !app.plan.routePrefix().equals(plan.routePrefix()) || !app.plan.ingress().equals(plan.ingress());
    List<Future<Object>> pushes = new ArrayList<>();
    List<DeploymentState> reconfigured = new ArrayList<>();
    List<DeploymentState> removed = new ArrayList<>();
    Map<String, DeploymentState> next = new LinkedHashMap<>();
    for (DeploymentPlan p : plan.deployments()) {
      DeploymentState d = app.deployments.get(p.name());
      switch (changes.get(p.name())) {
        case ADDED -> d = new DeploymentState(p);
        case NONE -> d.plan = p;
        case IN_PLACE -> {
          DeploymentConfig before = d.plan.config();
          d.target = Redeploy.target(d, p.config());
          d.plan = p;
          if (Redeploy.replicasAffected(before, p.config())) reconfigured.add(d);
        }
        case REPLACE -> {
          d.target = Redeploy.target(d, p.config());
          d.replaceCode(p);
        }
        default -> throw new IllegalStateException();
      }
      next.put(p.name(), d);
    }
    changes.forEach((name, c) -> {
      if (c == Redeploy.Change.REMOVED) removed.add(app.deployments.get(name));
    });
    app.deployments.clear();
    app.deployments.putAll(next);
    app.plan = plan;
    for (DeploymentState d : next.values()) announcer.replicas(app, d);
    if (routesChanged) announcer.routes(apps.values());
    for (DeploymentState d : removed) fleet.stopAll(d);
    persist.run();
    fleet.reconcile();
    // after the reconcile: replicas retired by a smaller target need no new settings
    for (DeploymentState d : reconfigured) {
      for (ReplicaRecord r : List.copyOf(d.running)) pushes.add(push(r, d.plan.config()).recover(err ->
          d.running.contains(r) ? Future.failedFuture(err) : Future.succeededFuture()));
    }
    return Future.all(pushes)
        .recover(err -> Future.failedFuture(new ServeException(500, "ReconfigureFailed", "application '" + plan.name()
            + "': a replica refused the new settings (reconfigure(config) failed): " + Failures.toServeException(err).getMessage())))
        .compose(v -> settled(app))
        .map(plan);
  }

  /** A running replica takes a deployment's new settings, and its new user_config through {@code reconfigure}. */
  private Future<Object> push(ReplicaRecord r, DeploymentConfig config) {
    return vertx.eventBus().request(ReplicaVerticle.configAddress(r.id()), config, CODEC).map(m -> (Object) m.body());
  }

  /** Completes when every deployment serves only current replicas at its target; fails once one is DEPLOY_FAILED. */
  private Future<Void> settled(ApplicationState app) {
    Promise<Void> done = Promise.promise();
    long[] timer = {-1};
    Runnable check = () -> {
      if (apps.get(app.name()) != app) {
        done.tryFail(new ServeException(409, "Replaced", "application '" + app.name() + "' was deleted or replaced during the update"));
      }
      for (DeploymentState d : app.deployments.values()) {
        if (d.status() == DeploymentState.Status.DEPLOY_FAILED) {
          done.tryFail(new ServeException(500, "DeployFailed", "application '" + app.name() + "': deployment '" + d.name()
              + "' is DEPLOY_FAILED (" + d.message() + "); " + (d.outdated.isEmpty() ? "" : "its previous replicas keep serving")));
        }
      }
      boolean ready = app.deployments.values().stream().allMatch(d -> d.outdated.isEmpty() && d.current() >= d.target() && d.starting.isEmpty());
      if (ready) done.tryComplete();
      if (done.future().isComplete()) vertx.cancelTimer(timer[0]);
    };
    timer[0] = vertx.setPeriodic(CHECK_MS, t -> check.run());
    return done.future();
  }
}
