package dev.vserve;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Autoscaling for a {@link Deployment}-annotated class ({@code @Deployment(autoscaling = @Autoscaling(...))}),
 * with Ray's defaults; see {@link AutoscalingConfig}. Negative values mean "not set".
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Autoscaling {
  int minReplicas() default 1;

  int initialReplicas() default -1;

  int maxReplicas() default 1;

  double targetOngoingRequests() default 2.0;

  double metricsIntervalS() default 10.0;

  double lookBackPeriodS() default 30.0;

  double upscaleDelayS() default 30.0;

  double downscaleDelayS() default 600.0;

  double downscaleToZeroDelayS() default -1;

  double upscalingFactor() default -1;

  double downscalingFactor() default -1;

  String aggregationFunction() default "mean";

  /** A custom policy; {@code AutoscalingPolicy.class} itself means Ray's default. */
  Class<? extends AutoscalingPolicy> policy() default AutoscalingPolicy.class;
}
