package dev.vserve;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a deployment: Ray Serve's {@code @serve.deployment}. Defaults are Ray Serve's.
 * Every value can be overridden per binding with {@link DeploymentSpec#options}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Deployment {
  /** Deployment name; empty means the simple class name. */
  String name() default "";

  int numReplicas() default DeploymentConfig.DEFAULT_NUM_REPLICAS;

  /** Requests one replica runs at once; the router queues the rest at the caller. */
  int maxOngoingRequests() default DeploymentConfig.DEFAULT_MAX_ONGOING_REQUESTS;

  /** Requests queued at a caller before it answers 503 / fails with back pressure; -1 is no limit. */
  int maxQueuedRequests() default DeploymentConfig.DEFAULT_MAX_QUEUED_REQUESTS;

  double numCpus() default 1.0;

  double numGpus() default 0.0;

  /** Bytes of memory a replica reserves on its node, for placement. */
  double memory() default 0.0;

  /** Safe to run twice: calls lost with a node are retried once on another replica (GET always is). */
  boolean idempotent() default false;

  double gracefulShutdownTimeoutS() default DeploymentConfig.DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT_S;

  /** How often the replica's health check (a public no-argument {@code checkHealth()}) runs, as Ray's {@code health_check_period_s}. */
  double healthCheckPeriodS() default DeploymentConfig.DEFAULT_HEALTH_CHECK_PERIOD_S;

  /** How long a health check may take before the replica counts as failed ({@code health_check_timeout_s}). */
  double healthCheckTimeoutS() default DeploymentConfig.DEFAULT_HEALTH_CHECK_TIMEOUT_S;

  /** Autoscaling instead of a fixed {@link #numReplicas}: give one {@link Autoscaling}; none is a fixed fleet. */
  Autoscaling[] autoscaling() default {};

  /** The deployment's own {@link RequestRouter} (Ray's {@code request_router_class}); the node's default unless set. */
  Class<? extends RequestRouter> requestRouter() default RequestRouter.class;
}
