package dev.vserve.impl.autoscale;

import dev.vserve.AutoscalingConfig;
import dev.vserve.AutoscalingContext;
import dev.vserve.AutoscalingPolicy;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The autoscaling state of one deployment on the controller: its load over the look-back window
 * (ongoing requests, in total and per replica, and the replicas' own figures), its policy with the
 * state the policy keeps between ticks, the delay counter and the last scale times. Plain state, no
 * Vert.x, times passed in: tested on a clock of the test's.
 */
public final class DeploymentAutoscaler {
  private static final System.Logger LOG = System.getLogger(DeploymentAutoscaler.class.getName());

  private final String app;
  private final String deployment;
  private AutoscalingConfig config;
  private Map<String, Object> policyState = new HashMap<>();
  private final int[] counter = {0};
  private double lastScaleUpS;
  private double lastScaleDownS;
  private final Series total = new Series();
  private double queued;
  private double taskQueueLength;
  /** Figure name, then replica id: the replicas' series. */
  private final Map<String, Map<String, Series>> metrics = new HashMap<>();
  private String lastPolicyError;

  public DeploymentAutoscaler(String app, String deployment, AutoscalingConfig config) {
    this.app = app;
    this.deployment = deployment;
    this.config = config;
  }

  public AutoscalingConfig config() {
    return config;
  }

  /** A redeploy changed only the settings: the window and the policy's state carry on. */
  public void reconfigure(AutoscalingConfig changed) {
    config = changed;
  }

  private long windowMs() {
    return Math.max(ScalingRules.TICK_MS, (long) (config.getLookBackPeriodS() * 1000));
  }

  /** One tick's load: ongoing requests in all (queued at callers and running), queued alone, and per replica. */
  public void observe(long nowMs, double totalRequests, double queuedRequests, Map<String, Double> ongoingByReplica) {
    total.add(nowMs, totalRequests, windowMs());
    queued = queuedRequests;
    ongoingByReplica.forEach((replica, v) -> series(AutoscalingContext.ONGOING_REQUESTS, replica).add(nowMs, v, windowMs()));
  }

  /** Tasks waiting in the queue this deployment consumes (see {@link dev.vserve.tasks.TaskConsumer}). */
  public void observeTaskQueue(double length) {
    taskQueueLength = length;
  }

  /** Figures a replica reported ({@code record_autoscaling_stats}). */
  public void observeStats(long nowMs, String replica, Map<String, Double> stats) {
    stats.forEach((name, v) -> {
      if (v != null && Double.isFinite(v)) series(name, replica).add(nowMs, v, windowMs());
    });
  }

  private Series series(String name, String replica) {
    return metrics.computeIfAbsent(name, k -> new HashMap<>()).computeIfAbsent(replica, k -> new Series());
  }

  /** The replica is gone: its figures no longer count. */
  public void forgetReplica(String replica) {
    for (Map<String, Series> m : metrics.values()) m.remove(replica);
  }

  public AutoscalingContext context(long nowMs, int current, int target) {
    Map<String, Map<String, Double>> aggregated = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> raw = new LinkedHashMap<>();
    String fn = config.getAggregationFunction();
    metrics.forEach((name, byReplica) -> {
      Map<String, Double> a = new LinkedHashMap<>();
      Map<String, List<Double>> r = new LinkedHashMap<>();
      byReplica.forEach((replica, s) -> {
        s.trim(nowMs, windowMs());
        if (s.isEmpty()) return;
        a.put(replica, s.aggregate(fn));
        r.put(replica, s.values());
      });
      aggregated.put(name, a);
      raw.put(name, r);
    });
    total.trim(nowMs, windowMs());
    return new AutoscalingContext(app, deployment, config, current, target, total.aggregate(fn), queued,
        config.getMinReplicas(), config.getMaxReplicas(), aggregated, raw, Map.copyOf(policyState),
        lastScaleUpS, lastScaleDownS, nowMs / 1000.0, taskQueueLength);
  }

  /** This tick's target under Ray's default policy (ongoing requests per replica) and rules. */
  public int decide(long nowMs, int current, int target) {
    AutoscalingContext ctx = context(nowMs, current, target);
    int cold = ScalingRules.coldStart(ctx);
    return cold >= 0 ? cold : applyRules(ctx, ScalingRules.queueLengthWant(ctx));
  }

  /**
   * Applies a custom policy's decision (a deployment's or its application's) through the rules, and
   * keeps the state it returned; garbage (not a finite count >= 0) is logged and the target kept.
   */
  public int apply(AutoscalingContext ctx, AutoscalingPolicy.Decision d) {
    int cold = ScalingRules.coldStart(ctx);
    if (cold >= 0) return cold;
    if (d == null || !Double.isFinite(d.replicas()) || d.replicas() < 0) {
      policyFailed("it returned " + (d == null ? "nothing" : d.replicas() + " replicas") + ", not a count >= 0");
      return ctx.targetNumReplicas();
    }
    lastPolicyError = null;
    policyState = new HashMap<>(d.state());
    return applyRules(ctx, d.replicas());
  }

  private int applyRules(AutoscalingContext ctx, double want) {
    int scaled = ScalingRules.scale(want, ctx.currentNumReplicas(), config);
    int bounded = ScalingRules.bound(scaled, ctx.capacityAdjustedMinReplicas(), ctx.capacityAdjustedMaxReplicas());
    return ScalingRules.delay(bounded, ctx.targetNumReplicas(), config, counter);
  }

  /** Logged once per kind of failure, not every tick; the deployment keeps its size. */
  public void policyFailed(String why) {
    if (!why.equals(lastPolicyError)) {
      LOG.log(Level.WARNING, "autoscaling policy of deployment '" + deployment + "' (application '" + app
          + "') failed; keeping the deployment's size this tick: " + why);
    }
    lastPolicyError = why;
  }

  /** The target changed: remember when, for the next contexts. */
  public void scaled(long nowMs, int from, int to) {
    if (to > from) lastScaleUpS = nowMs / 1000.0;
    if (to < from) lastScaleDownS = nowMs / 1000.0;
  }
}
