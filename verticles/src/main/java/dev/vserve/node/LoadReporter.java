package dev.vserve.node;

import dev.vserve.impl.NodeContext;
import dev.vserve.impl.autoscale.LoadReport;
import dev.vserve.impl.autoscale.ScalingRules;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.router.DeploymentLoad;
import dev.vserve.impl.router.DeploymentRouter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells the controller's autoscaler how loaded this node's callers keep each autoscaled deployment:
 * samples every router each tick, and sends the interval's means every {@code metrics_interval_s}
 * (skipping a deployment idle now and at the last report: the controller counts a silent node as
 * idle). A call that waits for a deployment with no replica is reported at once.
 */
final class LoadReporter {
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final Vertx vertx;
  private final Context context;
  private final NodeContext node;
  private final Map<DeploymentRouter, Sum> sums = new HashMap<>();
  private long timer = -1;

  /** Samples summed since the last report of one deployment. */
  private static final class Sum {
    int samples;
    double queued;
    final Map<String, Double> inFlight = new HashMap<>();
    long lastSentMs;
    long lastColdMs;
    boolean lastWasIdle = true;
  }

  LoadReporter(Vertx vertx, Context context, NodeContext node) {
    this.vertx = vertx;
    this.context = context;
    this.node = node;
  }

  void start() {
    timer = vertx.setPeriodic(ScalingRules.TICK_MS, t -> tick());
    node.onColdDemand(r -> context.runOnContext(v -> cold(r)));
  }

  void stop() {
    node.onColdDemand(r -> {});
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  private void tick() {
    long now = System.currentTimeMillis();
    List<LoadReport.Entry> due = new ArrayList<>();
    java.util.Collection<DeploymentRouter> routers = node.routers();
    // a router gone (its application deleted) or no longer autoscaled leaves its sums behind
    if (!sums.isEmpty()) {
      java.util.Set<DeploymentRouter> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      live.addAll(routers);
      sums.keySet().removeIf(r -> r.metricsIntervalMs() == 0 || !live.contains(r));
    }
    for (DeploymentRouter r : routers) {
      long interval = r.metricsIntervalMs();
      if (interval == 0) continue;
      Sum s = sums.computeIfAbsent(r, k -> new Sum());
      DeploymentLoad load = r.load();
      s.samples++;
      s.queued += load.queued();
      load.inFlight().forEach((id, n) -> s.inFlight.merge(id, (double) n, Double::sum));
      if (now - s.lastSentMs < interval) continue;
      LoadReport.Entry e = mean(r, s);
      boolean idle = e.total() == 0;
      if (!(idle && s.lastWasIdle)) due.add(e);
      s.lastWasIdle = idle;
      s.lastSentMs = now;
      s.samples = 0;
      s.queued = 0;
      s.inFlight.clear();
    }
    if (!due.isEmpty()) vertx.eventBus().send(LoadReport.ADDRESS, new LoadReport(node.nodeId(), false, due), CODEC);
  }

  private static LoadReport.Entry mean(DeploymentRouter r, Sum s) {
    int n = Math.max(1, s.samples);
    Map<String, Double> inFlight = new HashMap<>();
    s.inFlight.forEach((id, v) -> inFlight.put(id, v / n));
    return new LoadReport.Entry(r.app(), r.deployment(), r.metricsIntervalMs(), s.queued / n, inFlight);
  }

  /** Calls wait and no replica exists: the controller hears of it now, not at the next interval. */
  private void cold(DeploymentRouter r) {
    DeploymentLoad load = r.load();
    Sum s = sums.computeIfAbsent(r, k -> new Sum());
    long now = System.currentTimeMillis();
    // one report per tick however many calls arrive meanwhile
    if (load.queued() == 0 || now - s.lastColdMs < ScalingRules.TICK_MS) return;
    s.lastColdMs = now;
    s.lastWasIdle = false;
    vertx.eventBus().send(LoadReport.ADDRESS, new LoadReport(node.nodeId(), true, List.of(new LoadReport.Entry(r.app(), r.deployment(),
        Math.max(ScalingRules.TICK_MS, r.metricsIntervalMs()), load.queued(), Map.of()))), CODEC);
  }
}
