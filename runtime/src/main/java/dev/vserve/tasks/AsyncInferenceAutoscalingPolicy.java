package dev.vserve.tasks;

import dev.vserve.AutoscalingContext;
import dev.vserve.AutoscalingPolicy;

/**
 * Ray's {@code AsyncInferenceAutoscalingPolicy} for a {@link TaskConsumer} deployment: enough replicas
 * for the tasks waiting in its queue and those running, at {@code target_ongoing_requests} each. The
 * queue is the deployment's own (Ray's {@code policy_kwargs} naming a broker are not needed). Use it
 * as {@code policy_function: dev.vserve.tasks.AsyncInferenceAutoscalingPolicy}, or by Ray's name
 * {@code ray.serve.async_inference_autoscaling_policy:AsyncInferenceAutoscalingPolicy}.
 */
public final class AsyncInferenceAutoscalingPolicy implements AutoscalingPolicy {
  /** Ray's import path of this policy, accepted as its name. */
  public static final String RAY_NAME = "ray.serve.async_inference_autoscaling_policy:AsyncInferenceAutoscalingPolicy";

  @Override
  public Decision decide(AutoscalingContext c) {
    double work = c.asyncInferenceTaskQueueLength() + c.totalNumRequests();
    return Decision.of(Math.ceil(work / c.config().getTargetOngoingRequests()));
  }
}
