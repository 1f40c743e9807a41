package dev.vserve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.tasks.AsyncInferenceAutoscalingPolicy;
import dev.vserve.tasks.TaskConsumer;
import dev.vserve.tasks.TaskHandler;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A task consumer scaled on its queue (Ray's AsyncInferenceAutoscalingPolicy), with the queue in the metrics. */
class TaskAutoscalingTest {
  static ServeNode node;
  static Http http;

  @Deployment(numCpus = 0, maxOngoingRequests = 1, autoscaling = @Autoscaling(minReplicas = 1, maxReplicas = 4,
      targetOngoingRequests = 1, upscaleDelayS = 0, downscaleDelayS = 0.5, policy = AsyncInferenceAutoscalingPolicy.class))
  @TaskConsumer(queue = "slow")
  public static class Slow {
    @TaskHandler
    public String work(int ms) throws InterruptedException {
      Thread.sleep(ms);
      return "done";
    }
  }

  @Deployment(numCpus = 0)
  @TaskConsumer(queue = "slow")
  public static class Rival {
    @TaskHandler
    public String work(int ms) {
      return "rival";
    }
  }

  @Test
  void aQueueHasOneConsumingDeployment() {
    Throwable e = node.deploy(Application.bind(Rival.class), "rival", "/rival").toCompletionStage().toCompletableFuture()
        .handle((ok, err) -> err).join();
    assertTrue(e != null && e.getMessage().contains("task queue 'slow'") && e.getMessage().contains("already consumed"), String.valueOf(e));
  }

  @BeforeAll
  static void start() {
    node = Nodes.start();
    http = new Http(node.httpPort());
    Nodes.deploy(node, Application.bind(Slow.class), "slow", "/slow");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  private static int replicas() {
    for (JsonNode a : Http.json(http.get("/-/status")).get("applications")) {
      for (JsonNode d : a.get("deployments")) return d.get("replicas").size();
    }
    return -1;
  }

  @Test
  void aBacklogScalesTheConsumersUpAndAnEmptyQueueBackDown() {
    for (int i = 0; i < 40; i++) assertEquals(202, http.post("/-/tasks/slow", "{\"task_name\": \"work\", \"args\": [100]}").statusCode());
    Poll.until("the metrics to show the backlog", Duration.ofSeconds(10), () -> {
      Matcher m = Pattern.compile("(?m)^vserve_task_queue_depth\\{[^}]*queue=\"slow\"[^}]*} (\\d+)").matcher(http.get("/-/metrics").body());
      return m.find() && Double.parseDouble(m.group(1)) > 10;
    });
    Poll.until("4 consumers for the backlog", Duration.ofSeconds(20), () -> replicas() == 4);
    Poll.until("the queue to drain", Duration.ofSeconds(30), () -> Http.json(http.get("/-/queues/slow")).get("depth").asInt() == 0);
    Poll.until("back to 1 consumer", Duration.ofSeconds(30), () -> replicas() == 1);
    assertTrue(http.get("/-/metrics").body().contains("vserve_task_queue_in_flight{"), "in-flight tasks are a series");
  }
}
