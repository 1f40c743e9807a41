package dev.vserve.impl.tasks;

import dev.vserve.impl.Json;
import dev.vserve.tasks.TaskResult;
import dev.vserve.tasks.TaskStatus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A task as the store keeps it (JSON, so that every member reads it without vserve's classes): what
 * to run, and where it is. Times are epoch millis; {@code deadLetter} names the queue it was moved to.
 */
public record TaskRecord(String id, String queue, String taskName, List<Object> args, Map<String, Object> kwargs,
                         TaskStatus status, int attempts, long createdAt, long startedAt, long finishedAt,
                         Object result, String error, String node, String deadLetter) {

  static TaskRecord created(String id, String queue, String taskName, List<Object> args, Map<String, Object> kwargs, long now) {
    return new TaskRecord(id, queue, taskName, args, kwargs, TaskStatus.PENDING, 0, now, 0, 0, null, null, null, null);
  }

  static TaskRecord decode(String json) {
    return Json.read(json.getBytes(StandardCharsets.UTF_8), TaskRecord.class, "task record");
  }

  String encode() {
    return new String(Json.encode(this), StandardCharsets.UTF_8);
  }

  /** A consumer on {@code onNode} takes it: one more attempt. */
  TaskRecord started(long now, String onNode) {
    return new TaskRecord(id, queue, taskName, args, kwargs, TaskStatus.STARTED, attempts + 1, createdAt, now, 0, null, error, onNode, null);
  }

  TaskRecord succeeded(long now, Object value) {
    return new TaskRecord(id, queue, taskName, args, kwargs, TaskStatus.SUCCESS, attempts, createdAt, startedAt, now, value, null, node, null);
  }

  /** Failed for good; {@code into}: the dead-letter queue it goes to (null: none). */
  TaskRecord failed(long now, String why, String into) {
    return new TaskRecord(id, queue, taskName, args, kwargs, TaskStatus.FAILURE, attempts, createdAt, startedAt, now, null, why, node, into);
  }

  /** Waiting for another attempt (after a failure, or because its consumer fell silent). */
  TaskRecord retrying(String why) {
    return new TaskRecord(id, queue, taskName, args, kwargs, TaskStatus.RETRY, attempts, createdAt, startedAt, 0, null, why, node, null);
  }

  /** Taken but never run (its replica was stopping): queued again, the attempt not counted. */
  TaskRecord untaken() {
    return new TaskRecord(id, queue, taskName, args, kwargs, attempts <= 1 ? TaskStatus.PENDING : TaskStatus.RETRY,
        Math.max(0, attempts - 1), createdAt, 0, 0, null, error, null, null);
  }

  /** Out of a dead-letter queue, back to its own with its attempts reset. */
  TaskRecord requeued() {
    return new TaskRecord(id, queue, taskName, args, kwargs, TaskStatus.PENDING, 0, createdAt, 0, 0, null, error, null, null);
  }

  public TaskResult toResult() {
    return new TaskResult(id, queue, taskName, status, attempts, createdAt / 1000.0, startedAt / 1000.0, finishedAt / 1000.0,
        result, error, node);
  }
}
