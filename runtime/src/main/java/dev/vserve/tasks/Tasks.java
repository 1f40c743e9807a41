package dev.vserve.tasks;

import dev.vserve.ReplicaContext;
import dev.vserve.impl.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Map;

/**
 * Submitting tasks to the queues of {@link TaskConsumer} deployments and following them: Ray's
 * {@code TaskProcessorAdapter} ({@code enqueue_task}, {@code get_task_status}) for the cluster's own
 * queues. Enqueuing answers with the task's id at once; delivery is at least once, its final status
 * is recorded once.
 */
public interface Tasks {
  /**
   * Queues a task for the handler named {@code taskName} of the deployment consuming {@code queue}.
   * Fails with a 404 {@link dev.vserve.ServeException} for an unknown queue or handler and a 400 for
   * arguments the handler cannot take; nothing is queued then.
   */
  Future<TaskResult> enqueue(String queue, String taskName, List<?> args, Map<String, ?> kwargs);

  /** The task's current status; a 404 {@link dev.vserve.ServeException} when there is no such task (or it expired). */
  Future<TaskResult> status(String taskId);

  /** The task's status once it is final, or as it is after {@code timeoutMs}. */
  Future<TaskResult> await(String taskId, long timeoutMs);

  /** A queue's depth and consumer. */
  Future<QueueInfo> queue(String queue);

  /** Up to {@code limit} of the tasks waiting in a queue, oldest first: how a dead-letter queue is read. */
  Future<List<TaskResult>> list(String queue, int limit);

  /** Moves every task of a dead-letter queue back to the queue it came from, its attempts reset; the count moved. */
  Future<Integer> requeue(String deadLetterQueue);

  /** The tasks of the vserve node running on {@code vertx}. */
  static Tasks of(Vertx vertx) {
    NodeContext node = NodeContext.of(vertx);
    if (node == null) throw new IllegalStateException("no vserve node runs on this Vert.x instance");
    return node.tasks();
  }

  /** The tasks of the node the calling replica runs on; for code inside a deployment. */
  static Tasks current() {
    ReplicaContext r = ReplicaContext.current();
    NodeContext node = r == null ? null : NodeContext.byNodeId(r.nodeId());
    if (node == null) throw new IllegalStateException("Tasks.current() works inside a replica; elsewhere use Tasks.of(vertx)");
    return node.tasks();
  }
}
