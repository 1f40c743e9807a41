package dev.vserve.controller;

import dev.vserve.DeploymentConfig;
import dev.vserve.ServeException;
import dev.vserve.impl.Json;
import dev.vserve.impl.RequestIds;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.replica.ReplicaVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A redeploy that changes nothing but {@code user_config}: as in Ray, the running replicas are
 * reconfigured in place ({@code reconfigure(config)}; no restart, no gap in serving) instead of being
 * replaced, and replicas started later get the new value from the updated plan.
 */
final class UserConfigUpdate {
  private UserConfigUpdate() {}

  /**
   * The deployments whose {@code user_config} changes, with the new value, when that is the only
   * difference between the plans; null when anything else differs (or nothing does).
   */
  static Map<String, Object> changes(ApplicationPlan running, ApplicationPlan wanted) {
    if (!running.routePrefix().equals(wanted.routePrefix()) || !running.ingress().equals(wanted.ingress())) return null;
    List<DeploymentPlan> before = running.deployments();
    List<DeploymentPlan> after = wanted.deployments();
    if (before.size() != after.size()) return null;
    Map<String, Object> changed = new LinkedHashMap<>();
    for (int i = 0; i < before.size(); i++) {
      DeploymentPlan b = before.get(i);
      DeploymentPlan a = after.get(i);
      if (!b.name().equals(a.name()) || !b.code().equals(a.code())) return null;
      if (!Arrays.equals(Json.encode(b.initArgs()), Json.encode(a.initArgs()))
          || !Arrays.equals(Json.encode(b.initKwargs()), Json.encode(a.initKwargs()))) {
        return null;
      }
      if (!withoutUserConfig(b.config()).equals(withoutUserConfig(a.config()))) return null;
      if (!Objects.equals(b.config().getUserConfig(), a.config().getUserConfig())) changed.put(a.name(), a.config().getUserConfig());
    }
    return changed.isEmpty() ? null : changed;
  }

  /** Updates the application's plan and calls {@code reconfigure} on every running replica of the changed deployments. */
  static Future<ApplicationPlan> apply(Vertx vertx, String nodeId, ApplicationState app, ApplicationPlan plan,
                                       Map<String, Object> userConfigs) {
    List<Future<Object>> calls = new ArrayList<>();
    for (var e : userConfigs.entrySet()) {
      DeploymentState d = app.deployments.get(e.getKey());
      d.plan = plan.deployments().stream().filter(p -> p.name().equals(e.getKey())).findFirst().orElseThrow();
      Object[] args = {e.getValue()};
      for (ReplicaRecord r : List.copyOf(d.running)) calls.add(call(vertx, nodeId, r, args, 20));
    }
    app.plan = plan;
    return Future.all(calls).transform(ar -> ar.succeeded() ? Future.succeededFuture(plan)
        : Future.failedFuture(new ServeException(500, "ReconfigureFailed", "application '" + plan.name()
            + "': reconfigure(config) failed on a replica: " + Failures.toServeException(ar.cause()).getMessage())));
  }

  /** A replica at maxOngoingRequests refuses calls for a moment: its reconfigure is tried again shortly. */
  private static Future<Object> call(Vertx vertx, String nodeId, ReplicaRecord r, Object[] args, int attempts) {
    return vertx.eventBus().request(ReplicaVerticle.address(r.id()),
            Call.method(RequestIds.next(), "reconfigure", args, 0, nodeId), CODEC).map(m -> (Object) m.body())
        .recover(t -> t instanceof ReplyException re && re.failureCode() == Failures.REJECTED && attempts > 1
            ? Future.future(p -> vertx.setTimer(50, x -> call(vertx, nodeId, r, args, attempts - 1).onComplete(p)))
            : Future.failedFuture(t));
  }

  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private static DeploymentConfig withoutUserConfig(DeploymentConfig c) {
    return c.copy().setUserConfig(null);
  }
}
