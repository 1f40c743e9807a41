package dev.vserve.replica;

import dev.vserve.impl.autoscale.LoadReport;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.spi.ReplicaCode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Sends a replica's own autoscaling figures (Ray's {@code record_autoscaling_stats}) to the controller
 * every {@code metrics_interval_s}: asked on a worker thread, one at a time; a call that throws or
 * answers nothing is logged once and skipped.
 */
final class StatsReporter {
  private static final System.Logger LOG = System.getLogger(StatsReporter.class.getName());
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final Vertx vertx;
  private final ExecutorService workers;
  private final ReplicaCode code;
  private final String app;
  private final String deployment;
  private final String replica;
  private long timer = -1;
  private volatile boolean asking;
  private volatile String lastError;

  StatsReporter(Vertx vertx, ExecutorService workers, ReplicaCode code, String app, String deployment, String replica) {
    this.vertx = vertx;
    this.workers = workers;
    this.code = code;
    this.app = app;
    this.deployment = deployment;
    this.replica = replica;
  }

  void start(long intervalMs) {
    stop();
    timer = vertx.setPeriodic(0, intervalMs, t -> ask());
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  private void ask() {
    if (asking) return;
    asking = true;
    workers.execute(() -> {
      try {
        Map<String, Double> stats = code.autoscalingStats();
        if (stats == null) {
          stop();
          return;
        }
        lastError = null;
        vertx.eventBus().send(LoadReport.Stats.ADDRESS, new LoadReport.Stats(app, deployment, replica, Map.copyOf(stats)), CODEC);
      } catch (Throwable t) {
        String why = dev.vserve.impl.call.UserErrors.summary(t);
        if (!why.equals(lastError)) LOG.log(Level.WARNING, "record_autoscaling_stats of replica " + replica + " failed: " + why);
        lastError = why;
      } finally {
        asking = false;
      }
    });
  }
}
