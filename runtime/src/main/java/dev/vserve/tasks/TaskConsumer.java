package dev.vserve.tasks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Ray Serve's {@code @task_consumer}: the deployment's replicas take tasks from {@link #queue} and run
 * them with its {@link TaskHandler} methods, besides answering calls as any deployment does. The queue
 * lives in the cluster's Hazelcast (backed up on another member), or in the node's memory when it runs
 * alone. The settings mirror {@link TaskProcessorConfig}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TaskConsumer {
  /** The queue this deployment consumes (Ray's {@code queue_name}); one deployment per queue. */
  String queue();

  /** Retries after the first attempt before a task fails for good (Ray's {@code max_retries}). */
  int maxRetries() default TaskProcessorConfig.DEFAULT_MAX_RETRIES;

  /** Where tasks go once their retries are spent (Ray's {@code failed_task_queue_name}); none if empty. */
  String failedTaskQueue() default "";

  /** Where tasks go whose arguments the handler refuses (Ray's {@code unprocessable_task_queue_name}); none if empty. */
  String unprocessableTaskQueue() default "";

  /** How long a running task stays invisible without a sign of life from its consumer before it is redelivered. */
  double visibilityTimeoutS() default TaskProcessorConfig.DEFAULT_VISIBILITY_TIMEOUT_S;

  /** The delay before the first retry; it doubles with each further retry, up to a minute. */
  double retryDelayS() default TaskProcessorConfig.DEFAULT_RETRY_DELAY_S;

  /** How long a finished task's status and result are kept. */
  double resultTtlS() default TaskProcessorConfig.DEFAULT_RESULT_TTL_S;
}
