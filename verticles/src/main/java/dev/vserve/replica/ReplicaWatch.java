package dev.vserve.replica;

import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.spi.ReplicaCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Watches one replica's health on its verticle's context: the user's {@code checkHealth}, the
 * memory its calls allocate, and cancelled code that runs on (see {@link ReplicaHealth}). The first
 * failure marks it unhealthy for good: it refuses calls from then on and the controller is asked to
 * replace it ({@link ReplicaVerticle#UNHEALTHY}).
 */
final class ReplicaWatch {
  private static final System.Logger LOG = System.getLogger(ReplicaVerticle.class.getName());
  /** How long cancelled code may run on before its replica counts as stuck. */
  static final long STUCK_GRACE_MS = 5_000;

  private final Vertx vertx;
  private final ReplicaCode code;
  private final String replicaId;
  /** The deployment's current plan (settings change at run time). */
  private final Supplier<DeploymentPlan> plan;
  private final Runnable refuseCalls;
  private final DeliveryOptions delivery;
  private final ReplicaHealth health;
  private final UserHealthCheck userCheck;
  private boolean unhealthy;
  private boolean stuck;
  private int sweeps;

  ReplicaWatch(Vertx vertx, Context context, ExecutorService workers, ReplicaCode code, String replicaId,
               Supplier<DeploymentPlan> plan, long requestTimeoutMs, Runnable refuseCalls, DeliveryOptions delivery) {
    this.vertx = vertx;
    this.code = code;
    this.replicaId = replicaId;
    this.plan = plan;
    this.refuseCalls = refuseCalls;
    this.delivery = delivery;
    this.health = new ReplicaHealth(requestTimeoutMs, STUCK_GRACE_MS);
    this.userCheck = new UserHealthCheck(vertx, context, workers, code, why -> {
      if (!unhealthy) markUnhealthy(why, false);
    });
  }

  /** Where running calls are noted (started, interrupted, ended). */
  ReplicaHealth health() {
    return health;
  }

  /** (Re)arms the user's health check with the deployment's current settings. */
  void arm() {
    userCheck.arm(plan.get().config(), () -> unhealthy);
  }

  /** One sweep of the replica's timer: memory every time (a runaway allocation fills a heap in seconds), the rest once in ten. */
  void sweep() {
    if (unhealthy) return;
    boolean all = ++sweeps % 10 == 0;
    DeploymentPlan p = plan.get();
    String why = userCheck.overdue(p.config());
    long allocated = code.stepAllocatedBytes();
    if (allocated > 0) why = ReplicaHealth.overBudget(allocated, HeapPressure.budget(p.config().getMemory()), HeapPressure.fullness());
    if (why == null && all) why = health.stuck(System.nanoTime(), code.uninterruptibleNanos());
    if (why != null) markUnhealthy(why, true);
  }

  /** Stuck: its code was cancelled and will not finish, so there is nothing to drain. */
  boolean isStuck() {
    return stuck;
  }

  void stop() {
    userCheck.stop();
  }

  /**
   * Out of routing and replaced. A stuck replica's code is cancelled and nothing drains; one whose
   * health check failed lets the calls it runs finish (it may well answer them).
   */
  private void markUnhealthy(String why, boolean stuck) {
    unhealthy = true;
    this.stuck = stuck;
    LOG.log(Level.WARNING, "replica " + replicaId + " of " + plan.get().name() + " is UNHEALTHY: " + why + "; replacing it");
    if (stuck) code.cancel();
    refuseCalls.run();
    vertx.eventBus().publish(ReplicaVerticle.UNHEALTHY, Map.of("replica", replicaId, "reason", why), delivery);
  }
}
