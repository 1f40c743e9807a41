package dev.vserve.python.impl;

import dev.vserve.impl.Json;
import dev.vserve.tasks.Tasks;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The node's task queues as Python's task adapter ({@code vserve/tasks.py}) sees them: each answer a
 * future of JSON text, what its {@code TaskResult} and queue info read.
 */
public final class PyTasks {
  private final Tasks tasks;

  PyTasks(Tasks tasks) {
    this.tasks = tasks;
  }

  /** Queues a task; a future of its status. */
  @HostAccess.Export
  public Object enqueue(String queue, String taskName, Value args, Value kwargs) {
    Object a = PyValues.toJava(args);
    Object k = PyValues.toJava(kwargs);
    return tasks.enqueue(queue, taskName, (List<?>) a, castMap(k)).map(t -> json(t.toMap()));
  }

  /** A task's status; with {@code waitS} > 0, once final or after that long. */
  @HostAccess.Export
  public Object status(String id, double waitS) {
    var t = waitS > 0 ? tasks.await(id, (long) (waitS * 1000)) : tasks.status(id);
    return t.map(r -> json(r.toMap()));
  }

  @HostAccess.Export
  public Object queue(String queue) {
    return tasks.queue(queue).map(q -> json(Map.of("queue", q.queue(), "depth", q.depth())));
  }

  private static String json(Object value) {
    return new String(Json.encode(value), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> castMap(Object o) {
    if (o instanceof Map<?, ?> m) return (Map<String, ?>) m;
    throw new IllegalArgumentException("kwargs must be a dict");
  }
}
