package dev.vserve.replica;

import dev.vserve.DeploymentConfig;
import dev.vserve.ServeException;
import dev.vserve.spi.ReplicaCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The deployment's own health check (Ray's {@code check_health}), every {@code healthCheckPeriodS}
 * on a worker thread, one at a time; a failure reports why at once, and {@link #overdue} says when an
 * answer is later than {@code healthCheckTimeoutS} (the replica's sweeper asks).
 */
final class UserHealthCheck {
  private final Vertx vertx;
  private final Context context;
  private final ExecutorService workers;
  private final ReplicaCode code;
  private final Consumer<String> failed;
  private long timer = -1;
  /** When the check now running began (System.nanoTime), 0 when none runs; read on the replica's context. */
  private long since;

  UserHealthCheck(Vertx vertx, Context context, ExecutorService workers, ReplicaCode code, Consumer<String> failed) {
    this.vertx = vertx;
    this.context = context;
    this.workers = workers;
    this.code = code;
    this.failed = failed;
  }

  /** (Re)starts the periodic check with the deployment's current period; none if the code has no check. */
  void arm(DeploymentConfig config, Supplier<Boolean> skip) {
    stop();
    if (!code.hasHealthCheck()) return;
    timer = vertx.setPeriodic(Math.max(1, Math.round(config.getHealthCheckPeriodS() * 1000)), t -> {
      if (!skip.get()) run();
    });
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  private void run() {
    if (since != 0) return;
    since = System.nanoTime();
    workers.execute(() -> {
      Throwable failure = null;
      try {
        code.checkHealth();
      } catch (Throwable t) {
        failure = t;
      }
      Throwable f = failure;
      context.runOnContext(v -> {
        since = 0;
        // a language host's error keeps the user's type name (e.g. Python's RuntimeError)
        if (f != null) failed.accept("its health check failed: " + (f instanceof ServeException se ? se.errorType() + ": " + se.getMessage()
            : dev.vserve.impl.call.UserErrors.summary(f)));
      });
    });
  }

  /** Why the check counts as failed for taking too long, or null. */
  String overdue(DeploymentConfig config) {
    double timeoutS = config.getHealthCheckTimeoutS();
    if (since == 0 || System.nanoTime() - since <= (long) (timeoutS * 1e9)) return null;
    return "its health check did not answer within " + timeoutS + " s";
  }
}
