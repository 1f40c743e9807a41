package dev.vserve.controller;

import dev.vserve.AutoscalingPolicy;
import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.spi.AutoscalingPolicyLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The custom autoscaling policies the controller runs, loaded once per deployment (or application)
 * off the event loop, and called off it, one call at a time per policy. One that cannot be loaded is
 * logged and left out: its deployments keep their size until the application is deployed again.
 */
final class Policies {
  private static final System.Logger LOG = System.getLogger(Policies.class.getName());
  private static final Object FAILED = new Object();

  private final Vertx vertx;
  private final Map<String, Object> loaded = new HashMap<>();
  private final Set<String> loading = new HashSet<>();
  private final Set<String> running = new HashSet<>();

  Policies(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The deployment's policy once loaded; null while it loads (the tick is skipped) or if it failed to. */
  AutoscalingPolicy deployment(String key, DeploymentPlan plan) {
    String name = plan.config().getAutoscalingConfig().getPolicy();
    return get(key, name, () -> isQueuePolicy(name) ? new dev.vserve.tasks.AsyncInferenceAutoscalingPolicy()
        : AutoscalingPolicyLoader.find(plan.code()).load(name, plan.code())) instanceof AutoscalingPolicy p ? p : null;
  }

  /** vserve's task queue policy, by its Java name or by Ray's, whatever language the deployment is in. */
  private static boolean isQueuePolicy(String name) {
    return name.equals(dev.vserve.tasks.AsyncInferenceAutoscalingPolicy.class.getName())
        || name.equals(dev.vserve.tasks.AsyncInferenceAutoscalingPolicy.RAY_NAME);
  }

  /** The application's policy, loaded where its ingress's code lives (a Python app's file). */
  AutoscalingPolicy.ForApplication application(String key, ApplicationPlan plan) {
    String name = plan.autoscalingPolicy();
    String code = plan.deployment(plan.ingress()).code();
    return get(key, name, () -> AutoscalingPolicyLoader.find(code).loadForApplication(name, code))
        instanceof AutoscalingPolicy.ForApplication p ? p : null;
  }

  private Object get(String key, String name, Callable<Object> load) {
    Object p = loaded.get(key);
    if (p != null || loading.contains(key)) return p;
    loading.add(key);
    vertx.executeBlocking(load, false).onComplete(ar -> {
      if (!loading.remove(key)) {
        close(ar.result());  // forgotten while it loaded
        return;
      }
      if (ar.succeeded()) {
        loaded.put(key, ar.result());
      } else {
        LOG.log(Level.WARNING, "autoscaling policy '" + name + "' (" + key + ") cannot be loaded; its deployments keep their size: "
            + ar.cause().getMessage());
        loaded.put(key, FAILED);
      }
    });
    return null;
  }

  /** Runs a policy call off the event loop; null while the previous call of that policy still runs. */
  <T> Future<T> run(String key, Callable<T> call) {
    if (!running.add(key)) return null;
    return vertx.executeBlocking(call, false).onComplete(ar -> running.remove(key));
  }

  void forget(String key) {
    loading.remove(key);
    close(loaded.remove(key));
  }

  void forgetApplication(String app) {
    for (String k : Set.copyOf(loaded.keySet())) if (k.startsWith(app + '/')) forget(k);
    loading.removeIf(k -> k.startsWith(app + '/'));
  }

  void closeAll() {
    for (String k : Set.copyOf(loaded.keySet())) forget(k);
  }

  private static void close(Object policy) {
    if (policy instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "closing an autoscaling policy failed", e);
      }
    }
  }
}
