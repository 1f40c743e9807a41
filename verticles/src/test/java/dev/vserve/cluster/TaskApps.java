package dev.vserve.cluster;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.ReplicaContext;
import dev.vserve.tasks.TaskConsumer;
import dev.vserve.tasks.TaskHandler;

import java.util.Map;

/** Task consumers for tests across node JVMs: run them with {@code vserve run dev.vserve.cluster.TaskApps.squares}. */
public final class TaskApps {
  private TaskApps() {}

  /**
   * One replica per node (placement spreads them), eight tasks at once each; a short visibility timeout
   * so that the tasks of a killed node come back quickly, and quick retries.
   */
  @Deployment(numReplicas = 2, maxOngoingRequests = 8)
  @TaskConsumer(queue = "squares", maxRetries = 2, retryDelayS = 0.1, visibilityTimeoutS = 2, failedTaskQueue = "squares-failed")
  public static class Squares {
    @TaskHandler("square")
    public Map<String, Object> square(long n) throws InterruptedException {
      // one in ten is slow, one in a hundred long: the test kills a node while it runs a long one
      Thread.sleep(n % 100 == 50 ? 2000 : n % 10 == 5 ? 300 : 20);
      return Map.of("n", n, "square", n * n, "node", ReplicaContext.current().nodeId());
    }

    @TaskHandler("always_fails")
    public Object alwaysFails(long n) {
      throw new IllegalStateException("task " + n + " fails every time");
    }
  }

  public static final Application squares = Application.bind(Squares.class);
}
