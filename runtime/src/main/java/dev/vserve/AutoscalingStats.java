package dev.vserve;

import java.util.Map;

/**
 * Implemented by a deployment whose custom autoscaling policy needs figures of its own (queue depth,
 * GPU memory, latency), as Ray's {@code record_autoscaling_stats()}: each replica is asked every
 * {@code metrics_interval_s}, on a thread of its own, and the controller hands the figures to the
 * policy in {@link AutoscalingContext#aggregatedMetrics()} by name and replica. A call that throws is
 * logged and skipped.
 */
public interface AutoscalingStats {
  Map<String, Double> recordAutoscalingStats();
}
