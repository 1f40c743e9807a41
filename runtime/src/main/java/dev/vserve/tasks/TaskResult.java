package dev.vserve.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task as its submitter sees it (Ray's {@code TaskResult}, with Celery's details): times are epoch
 * seconds (0: not yet), {@code result} is the handler's value once it succeeded, {@code error} the last
 * attempt's failure, {@code node} the node whose consumer took it last (null: not taken yet).
 */
public record TaskResult(String id, String queue, String taskName, TaskStatus status, int attempts,
                         double createdAt, double startedAt, double finishedAt, Object result, String error, String node) {

  /** The task in JSON's terms (Ray's and Python's names), as the HTTP endpoints and Python see it. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("queue", queue);
    m.put("task_name", taskName);
    m.put("status", status.name());
    m.put("attempts", attempts);
    m.put("created_at", createdAt);
    m.put("started_at", startedAt == 0 ? null : startedAt);
    m.put("finished_at", finishedAt == 0 ? null : finishedAt);
    m.put("result", result);
    m.put("error", error);
    m.put("node", node);
    return m;
  }
}
