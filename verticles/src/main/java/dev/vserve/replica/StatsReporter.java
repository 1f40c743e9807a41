package dev.vserve.replica;

import dev.vserve.RequestRouterConfig;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.autoscale.LoadReport;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.spi.ReplicaCode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Asks a replica's code for figures about itself every period and passes them on: Ray's
 * {@code record_autoscaling_stats} (to the controller's autoscaler) and {@code record_routing_stats}
 * (to every node's router of the deployment). Asked on a worker thread, one at a time; code that
 * answers null has none and is not asked again; a call that throws, or answers later than its
 * timeout, is logged once per reason and skipped.
 */
final class StatsReporter {
  private static final System.Logger LOG = System.getLogger(StatsReporter.class.getName());
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final Vertx vertx;
  private final ExecutorService workers;
  private final String what;
  private final String replica;
  private final Ask ask;
  private final Consumer<Map<String, ?>> deliver;
  /** The code's own method (it may throw anything the user's code throws). */
  interface Ask {
    Map<String, ?> call() throws Throwable;
  }

  private long timer = -1;
  private long timeoutMs = Long.MAX_VALUE;
  private volatile boolean asking;
  private volatile String lastError;

  private StatsReporter(Vertx vertx, ExecutorService workers, String what, String replica,
                        Ask ask, Consumer<Map<String, ?>> deliver) {
    this.vertx = vertx;
    this.workers = workers;
    this.what = what;
    this.replica = replica;
    this.ask = ask;
    this.deliver = deliver;
  }

  /** The figures a custom autoscaling policy reads, sent to the controller. */
  static StatsReporter autoscaling(Vertx vertx, ExecutorService workers, ReplicaCode code, String app, String deployment, String replica) {
    return new StatsReporter(vertx, workers, "record_autoscaling_stats", replica, code::autoscalingStats, stats -> {
      @SuppressWarnings("unchecked") Map<String, Double> figures = (Map<String, Double>) stats;
      vertx.eventBus().send(LoadReport.Stats.ADDRESS, new LoadReport.Stats(app, deployment, replica, Map.copyOf(figures)), CODEC);
    });
  }

  /** The figures request routers read, published to every node. */
  static StatsReporter routing(Vertx vertx, ExecutorService workers, ReplicaCode code, String app, String deployment, String replica) {
    return new StatsReporter(vertx, workers, "record_routing_stats", replica, code::routingStats, stats ->
        vertx.eventBus().publish(NodeContext.ROUTING_STATS, Map.of("app", app, "deployment", deployment, "replica", replica, "stats", stats), CODEC));
  }

  /** Asks every {@code periodMs}; answers later than {@code timeoutMs} are not used. */
  void start(long periodMs, long timeoutMs) {
    stop();
    this.timeoutMs = timeoutMs;
    timer = vertx.setPeriodic(0, periodMs, t -> ask());
  }

  void start(long periodMs) {
    start(periodMs, Long.MAX_VALUE);
  }

  /** Asks for routing stats at the period the deployment's router config says (Ray's default 10 s). */
  void start(RequestRouterConfig config) {
    double period = config == null ? RequestRouterConfig.DEFAULT_STATS_PERIOD_S : config.statsPeriodS();
    double timeout = config == null ? RequestRouterConfig.DEFAULT_STATS_TIMEOUT_S : config.statsTimeoutS();
    start(Math.max(1, (long) (period * 1000)), Math.max(1, (long) (timeout * 1000)));
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  private void ask() {
    if (asking) return;
    asking = true;
    long deadline = timeoutMs == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutMs * 1_000_000;
    workers.execute(() -> {
      try {
        Map<String, ?> stats = ask.call();
        if (stats == null) {
          stop();
          return;
        }
        if (System.nanoTime() > deadline) throw new java.util.concurrent.TimeoutException("it answered after its timeout of " + timeoutMs + " ms");
        lastError = null;
        deliver.accept(stats);
      } catch (Throwable t) {
        String why = dev.vserve.impl.call.UserErrors.summary(t);
        if (!why.equals(lastError)) LOG.log(Level.WARNING, what + " of replica " + replica + " failed: " + why);
        lastError = why;
      } finally {
        asking = false;
      }
    });
  }
}
