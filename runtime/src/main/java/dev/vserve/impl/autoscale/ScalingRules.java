package dev.vserve.impl.autoscale;

import dev.vserve.AutoscalingConfig;
import dev.vserve.AutoscalingContext;

/**
 * Ray Serve's rules around any policy's answer, applied in its order: the scaling factor to the
 * step, the bounds, then the delays (a decision must hold for {@code delay / TICK} ticks in a row
 * before it takes effect; a decision the other way resets the count). From zero replicas with
 * requests waiting, no delay: the cold-start fast path.
 */
public final class ScalingRules {
  /** The controller's control-loop period (Ray's {@code CONTROL_LOOP_INTERVAL_S}, 0.1 s). */
  public static final long TICK_MS = 100;

  private ScalingRules() {}

  /** How often callers and replicas report, in ms: {@code metrics_interval_s}, never below one tick. */
  public static long metricsIntervalMs(AutoscalingConfig c) {
    return Math.max(TICK_MS, Math.round(c.getMetricsIntervalS() * 1000));
  }

  /** Ray's {@code _get_cold_start_scale_up_replicas}: the count to go to at once from zero, or -1 when not at zero. */
  public static int coldStart(AutoscalingContext ctx) {
    if (ctx.currentNumReplicas() > 0) return -1;
    if (ctx.totalNumRequests() > 0 || ctx.totalQueuedRequests() > 0) {
      return Math.max((int) Math.ceil(ctx.config().effectiveUpscalingFactor()), ctx.targetNumReplicas());
    }
    return ctx.targetNumReplicas();
  }

  /** The default policy's want: as many replicas as keep each at {@code target_ongoing_requests}. */
  public static double queueLengthWant(AutoscalingContext ctx) {
    int running = ctx.currentNumReplicas();
    return running * (ctx.totalNumRequests() / (ctx.config().getTargetOngoingRequests() * running));
  }

  /** Ray's {@code _apply_scaling_factors}: the step from the current count, scaled (a step down of less than one still takes one). */
  public static int scale(double desired, int current, AutoscalingConfig c) {
    double delta = desired - current;
    double factor = delta > 0 ? c.effectiveUpscalingFactor() : c.effectiveDownscalingFactor();
    int scaled = (int) Math.ceil(current + factor * delta);
    if (Math.ceil(desired) < current && scaled == current) scaled--;
    return scaled;
  }

  public static int bound(int n, int min, int max) {
    return Math.max(min, Math.min(max, n));
  }

  /**
   * Ray's {@code _apply_delay_logic}: the count to act on now, given the one wanted and the current
   * target; {@code counter} holds the consecutive decisions (positive: up, negative: down) between ticks.
   */
  public static int delay(int desired, int currentTarget, AutoscalingConfig c, int[] counter) {
    int decision = currentTarget;
    if (desired > currentTarget) {
      if (counter[0] < 0) counter[0] = 0;
      counter[0]++;
      if (counter[0] > ticks(c.getUpscaleDelayS())) {
        counter[0] = 0;
        decision = desired;
      }
    } else if (desired < currentTarget) {
      if (counter[0] > 0) counter[0] = 0;
      counter[0]--;
      boolean toZero = currentTarget == 1;
      double delayS = toZero && c.getDownscaleToZeroDelayS() != null ? c.getDownscaleToZeroDelayS() : c.getDownscaleDelayS();
      if (!toZero) desired = Math.max(1, desired);
      if (counter[0] < -ticks(delayS)) {
        counter[0] = 0;
        decision = desired;
      }
    } else {
      counter[0] = 0;
    }
    return decision;
  }

  private static long ticks(double seconds) {
    return (long) (seconds * 1000 / TICK_MS);
  }
}
