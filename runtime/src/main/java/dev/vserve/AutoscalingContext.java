package dev.vserve;

import java.util.List;
import java.util.Map;

/**
 * What an {@link AutoscalingPolicy} is told at each tick, with Ray's {@code AutoscalingContext} fields.
 *
 * @param config the deployment's autoscaling settings
 * @param currentNumReplicas replicas running now
 * @param targetNumReplicas the count last decided (some may still be starting): the baseline to change
 * @param totalNumRequests ongoing requests (queued at callers on every node, and running), aggregated
 *     over the look-back window with the config's aggregation function
 * @param totalQueuedRequests of those, the ones waiting at callers for a replica (latest reports)
 * @param capacityAdjustedMinReplicas {@code min_replicas}
 * @param capacityAdjustedMaxReplicas {@code max_replicas}
 * @param aggregatedMetrics figures replicas report ({@code record_autoscaling_stats}), by name, then by
 *     replica id, aggregated over the look-back window; {@code "ongoing_requests"} is always there
 * @param rawMetrics the same, every report in the window, oldest first
 * @param policyState what the policy returned at the last tick (empty at first)
 * @param lastScaleUpTime when the deployment last grew (epoch seconds; 0: never)
 * @param lastScaleDownTime when it last shrank
 * @param currentTime now, epoch seconds
 * @param asyncInferenceTaskQueueLength tasks waiting in the queue the deployment consumes (a
 *     {@link dev.vserve.tasks.TaskConsumer}; 0 for others), as of the last look (every 250 ms)
 */
public record AutoscalingContext(
    String appName,
    String deploymentName,
    AutoscalingConfig config,
    int currentNumReplicas,
    int targetNumReplicas,
    double totalNumRequests,
    double totalQueuedRequests,
    int capacityAdjustedMinReplicas,
    int capacityAdjustedMaxReplicas,
    Map<String, Map<String, Double>> aggregatedMetrics,
    Map<String, Map<String, List<Double>>> rawMetrics,
    Map<String, Object> policyState,
    double lastScaleUpTime,
    double lastScaleDownTime,
    double currentTime,
    double asyncInferenceTaskQueueLength) {

  /** The metric Ray always provides per replica: requests in flight to it, as callers count them. */
  public static final String ONGOING_REQUESTS = "ongoing_requests";
}
