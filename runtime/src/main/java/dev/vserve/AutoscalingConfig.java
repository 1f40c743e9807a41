package dev.vserve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Ray Serve's {@code autoscaling_config}, with its names and defaults: the controller keeps each
 * autoscaled deployment between {@code minReplicas} and {@code maxReplicas}, aiming at
 * {@code targetOngoingRequests} requests (queued at callers plus running) per replica, aggregated over
 * {@code lookBackPeriodS}, and changes the count only after a decision has held for
 * {@code upscaleDelayS} / {@code downscaleDelayS}. A custom {@link #setPolicy policy} replaces the
 * rule; the factors, bounds and delays still apply to what it returns, as in Ray.
 */
public final class AutoscalingConfig {
  private int minReplicas = 1;
  private Integer initialReplicas;
  private int maxReplicas = 1;
  private double targetOngoingRequests = 2.0;
  private double metricsIntervalS = 10.0;
  private double lookBackPeriodS = 30.0;
  private Double smoothingFactor;
  private Double upscaleSmoothingFactor;
  private Double downscaleSmoothingFactor;
  private Double upscalingFactor;
  private Double downscalingFactor;
  private double upscaleDelayS = 30.0;
  private double downscaleDelayS = 600.0;
  private Double downscaleToZeroDelayS;
  private String aggregationFunction = "mean";
  private String policy;

  public AutoscalingConfig() {}

  /** What {@code num_replicas="auto"} means in Ray: 1 to 100 replicas, 2 ongoing requests each. */
  public static AutoscalingConfig auto() {
    return new AutoscalingConfig().setMaxReplicas(100);
  }

  public AutoscalingConfig copy() {
    return new AutoscalingConfig().apply(toMap(), "");
  }

  /** Ray's keys (snake_case) or this class's camelCase ones; an unknown key or a bad value fails naming it. */
  public AutoscalingConfig apply(Map<String, ?> m, String deployment) {
    for (var e : m.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      if (v == null) continue;
      switch (k) {
        case "aggregation_function", "aggregationFunction" -> aggregationFunction = text(deployment, k, v);
        case "policy" -> policy = policyName(deployment, v);
        case "min_replicas", "minReplicas" -> minReplicas = whole(deployment, k, v);
        case "initial_replicas", "initialReplicas" -> initialReplicas = whole(deployment, k, v);
        case "max_replicas", "maxReplicas" -> maxReplicas = whole(deployment, k, v);
        case "target_ongoing_requests", "targetOngoingRequests" -> targetOngoingRequests = number(deployment, k, v);
        case "metrics_interval_s", "metricsIntervalS" -> metricsIntervalS = number(deployment, k, v);
        case "look_back_period_s", "lookBackPeriodS" -> lookBackPeriodS = number(deployment, k, v);
        case "smoothing_factor", "smoothingFactor" -> smoothingFactor = number(deployment, k, v);
        case "upscale_smoothing_factor", "upscaleSmoothingFactor" -> upscaleSmoothingFactor = number(deployment, k, v);
        case "downscale_smoothing_factor", "downscaleSmoothingFactor" -> downscaleSmoothingFactor = number(deployment, k, v);
        case "upscaling_factor", "upscalingFactor" -> upscalingFactor = number(deployment, k, v);
        case "downscaling_factor", "downscalingFactor" -> downscalingFactor = number(deployment, k, v);
        case "upscale_delay_s", "upscaleDelayS" -> upscaleDelayS = number(deployment, k, v);
        case "downscale_delay_s", "downscaleDelayS" -> downscaleDelayS = number(deployment, k, v);
        case "downscale_to_zero_delay_s", "downscaleToZeroDelayS" -> downscaleToZeroDelayS = number(deployment, k, v);
        default -> throw invalid(deployment, "unknown setting '" + k + "'");
      }
    }
    return this;
  }

  /** Fails naming the first field out of range. */
  public AutoscalingConfig validate(String deployment) {
    if (minReplicas < 0) throw invalid(deployment, "min_replicas must be >= 0, got " + minReplicas);
    if (maxReplicas < 1) throw invalid(deployment, "max_replicas must be >= 1, got " + maxReplicas);
    if (maxReplicas > DeploymentConfig.MAX_REPLICAS) throw invalid(deployment, "max_replicas must be <= " + DeploymentConfig.MAX_REPLICAS);
    if (minReplicas > maxReplicas) throw invalid(deployment, "min_replicas (" + minReplicas + ") must not exceed max_replicas (" + maxReplicas + ")");
    if (initialReplicas != null && (initialReplicas < minReplicas || initialReplicas > maxReplicas)) {
      throw invalid(deployment, "initial_replicas must be between min_replicas and max_replicas, got " + initialReplicas);
    }
    positive(deployment, "target_ongoing_requests", targetOngoingRequests);
    positive(deployment, "metrics_interval_s", metricsIntervalS);
    positive(deployment, "look_back_period_s", lookBackPeriodS);
    for (Double f : new Double[] {smoothingFactor, upscaleSmoothingFactor, downscaleSmoothingFactor, upscalingFactor, downscalingFactor}) {
      if (f != null) positive(deployment, "smoothing and scaling factors", f);
    }
    if (upscaleDelayS < 0 || downscaleDelayS < 0 || (downscaleToZeroDelayS != null && downscaleToZeroDelayS < 0)) {
      throw invalid(deployment, "upscale_delay_s, downscale_delay_s and downscale_to_zero_delay_s must be >= 0");
    }
    if (!Map.of("mean", 1, "max", 1, "min", 1).containsKey(aggregationFunction)) {
      throw invalid(deployment, "aggregation_function must be mean, max or min, got '" + aggregationFunction + "'");
    }
    return this;
  }

  /** Replicas a deployment starts with: {@code initial_replicas}, else {@code min_replicas}. */
  public int startingReplicas() {
    return initialReplicas != null ? initialReplicas : minReplicas;
  }

  /** The factor applied to a step up: {@code upscaling_factor}, else the (deprecated) smoothing factors, else 1. */
  public double effectiveUpscalingFactor() {
    return first(upscalingFactor, upscaleSmoothingFactor, smoothingFactor);
  }

  public double effectiveDownscalingFactor() {
    return first(downscalingFactor, downscaleSmoothingFactor, smoothingFactor);
  }

  private static double first(Double a, Double b, Double c) {
    return a != null ? a : b != null ? b : c != null ? c : 1.0;
  }

  /** The settings in Ray's names, unset optional ones left out (what {@code vserve build} and {@code vserve config} write). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("min_replicas", minReplicas);
    if (initialReplicas != null) m.put("initial_replicas", initialReplicas);
    m.put("max_replicas", maxReplicas);
    m.put("target_ongoing_requests", targetOngoingRequests);
    m.put("metrics_interval_s", metricsIntervalS);
    m.put("look_back_period_s", lookBackPeriodS);
    if (smoothingFactor != null) m.put("smoothing_factor", smoothingFactor);
    if (upscaleSmoothingFactor != null) m.put("upscale_smoothing_factor", upscaleSmoothingFactor);
    if (downscaleSmoothingFactor != null) m.put("downscale_smoothing_factor", downscaleSmoothingFactor);
    if (upscalingFactor != null) m.put("upscaling_factor", upscalingFactor);
    if (downscalingFactor != null) m.put("downscaling_factor", downscalingFactor);
    m.put("upscale_delay_s", upscaleDelayS);
    m.put("downscale_delay_s", downscaleDelayS);
    if (downscaleToZeroDelayS != null) m.put("downscale_to_zero_delay_s", downscaleToZeroDelayS);
    m.put("aggregation_function", aggregationFunction);
    if (policy != null) m.put("policy", Map.of("policy_function", policy));
    return m;
  }

  /** Ray's {@code policy: {policy_function: "module:function"}}, or the import path alone. */
  private static String policyName(String deployment, Object v) {
    Object name = v instanceof Map<?, ?> m ? m.get("policy_function") : v;
    if (v instanceof Map<?, ?> m && !m.keySet().stream().allMatch("policy_function"::equals)) {
      throw invalid(deployment, "policy takes only policy_function, got " + m.keySet());
    }
    if (!(name instanceof String s) || s.isBlank()) {
      throw invalid(deployment, "policy.policy_function must be an import path (a Java class, or a function of the app's Python file), got " + DeploymentConfig.describe(name));
    }
    return s;
  }

  private static String text(String deployment, String key, Object v) {
    if (!(v instanceof String s)) throw invalid(deployment, key + " must be a string, got " + DeploymentConfig.describe(v));
    return s;
  }

  private static double number(String deployment, String key, Object v) {
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw invalid(deployment, key + " must be a number, got " + DeploymentConfig.describe(v));
    }
    return n.doubleValue();
  }

  private static int whole(String deployment, String key, Object v) {
    double d = number(deployment, key, v);
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw invalid(deployment, key + " must be a whole number, got " + v);
    return (int) d;
  }

  private static void positive(String deployment, String key, double v) {
    if (!(v > 0)) throw invalid(deployment, key + " must be > 0, got " + v);
  }

  private static IllegalArgumentException invalid(String deployment, String why) {
    return new IllegalArgumentException("deployment '" + deployment + "': autoscaling_config: " + why);
  }

  public int getMinReplicas() { return minReplicas; }
  public AutoscalingConfig setMinReplicas(int v) { minReplicas = v; return this; }
  public Integer getInitialReplicas() { return initialReplicas; }
  public AutoscalingConfig setInitialReplicas(Integer v) { initialReplicas = v; return this; }
  public int getMaxReplicas() { return maxReplicas; }
  public AutoscalingConfig setMaxReplicas(int v) { maxReplicas = v; return this; }
  public double getTargetOngoingRequests() { return targetOngoingRequests; }
  public AutoscalingConfig setTargetOngoingRequests(double v) { targetOngoingRequests = v; return this; }
  /** How often callers and replicas report their figures to the controller. */
  public double getMetricsIntervalS() { return metricsIntervalS; }
  public AutoscalingConfig setMetricsIntervalS(double v) { metricsIntervalS = v; return this; }
  public double getLookBackPeriodS() { return lookBackPeriodS; }
  public AutoscalingConfig setLookBackPeriodS(double v) { lookBackPeriodS = v; return this; }
  public Double getSmoothingFactor() { return smoothingFactor; }
  public AutoscalingConfig setSmoothingFactor(Double v) { smoothingFactor = v; return this; }
  public Double getUpscaleSmoothingFactor() { return upscaleSmoothingFactor; }
  public AutoscalingConfig setUpscaleSmoothingFactor(Double v) { upscaleSmoothingFactor = v; return this; }
  public Double getDownscaleSmoothingFactor() { return downscaleSmoothingFactor; }
  public AutoscalingConfig setDownscaleSmoothingFactor(Double v) { downscaleSmoothingFactor = v; return this; }
  public Double getUpscalingFactor() { return upscalingFactor; }
  public AutoscalingConfig setUpscalingFactor(Double v) { upscalingFactor = v; return this; }
  public Double getDownscalingFactor() { return downscalingFactor; }
  public AutoscalingConfig setDownscalingFactor(Double v) { downscalingFactor = v; return this; }
  public double getUpscaleDelayS() { return upscaleDelayS; }
  public AutoscalingConfig setUpscaleDelayS(double v) { upscaleDelayS = v; return this; }
  public double getDownscaleDelayS() { return downscaleDelayS; }
  public AutoscalingConfig setDownscaleDelayS(double v) { downscaleDelayS = v; return this; }
  /** The delay before the last replica goes (1 to 0); null: {@code downscaleDelayS}. */
  public Double getDownscaleToZeroDelayS() { return downscaleToZeroDelayS; }
  public AutoscalingConfig setDownscaleToZeroDelayS(Double v) { downscaleToZeroDelayS = v; return this; }
  /** How the look-back window's samples become one figure: {@code mean}, {@code max} or {@code min}. */
  public String getAggregationFunction() { return aggregationFunction; }
  public AutoscalingConfig setAggregationFunction(String v) { aggregationFunction = v; return this; }
  /**
   * A custom policy: a class implementing {@link AutoscalingPolicy} (Java), or a function of the
   * application's Python file by name; null: Ray's default, ongoing requests per replica.
   */
  public String getPolicy() { return policy; }
  public AutoscalingConfig setPolicy(String v) { policy = v; return this; }
  /** A Java policy by its class (it needs a public no-argument constructor). */
  public AutoscalingConfig usePolicy(Class<? extends AutoscalingPolicy> v) { policy = v.getName(); return this; }

  @Override
  public boolean equals(Object o) {
    return o instanceof AutoscalingConfig c && toMap().equals(c.toMap());
  }

  @Override
  public int hashCode() {
    return Objects.hash(minReplicas, maxReplicas, targetOngoingRequests);
  }

  @Override
  public String toString() {
    return "AutoscalingConfig" + toMap();
  }
}
