package dev.vserve.tasks;

/** Where a task is (Celery's and Ray's states). */
public enum TaskStatus {
  /** Queued, waiting for a consumer. */
  PENDING,
  /** A consumer runs it. */
  STARTED,
  /** An attempt failed; it is queued again after its back-off. */
  RETRY,
  /** Done; its result is kept for the queue's result TTL. */
  SUCCESS,
  /** Failed for good (retries spent, or arguments refused); in the dead-letter queue when one is set. */
  FAILURE;

  /** Whether the task will not change any more. */
  public boolean isFinal() {
    return this == SUCCESS || this == FAILURE;
  }
}
