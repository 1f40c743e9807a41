package dev.vserve.taskqueue;

import dev.vserve.impl.NodeContext;
import dev.vserve.impl.tasks.LocalTaskStore;
import dev.vserve.impl.tasks.TaskBroker;
import dev.vserve.impl.tasks.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** The task queues of a node: in the cluster's Hazelcast when it is clustered, else in its memory. */
public final class TaskQueues {
  /** How often each node looks for leases that ran out (retries due, consumers fallen silent). */
  static final long REAP_MS = 250;

  private TaskQueues() {}

  public static TaskBroker start(Vertx vertx, NodeContext node) {
    TaskStore store = ((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager hz
        ? new HazelcastTaskStore(hz.getHazelcastInstance())
        : new LocalTaskStore(System::currentTimeMillis);
    return new TaskBroker(vertx, store, node::routes, System::currentTimeMillis).startReaper(REAP_MS);
  }
}
