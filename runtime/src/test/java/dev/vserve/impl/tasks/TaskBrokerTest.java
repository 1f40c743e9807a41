package dev.vserve.impl.tasks;

import dev.vserve.ServeException;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.tasks.TaskProcessorConfig;
import dev.vserve.tasks.TaskResult;
import dev.vserve.tasks.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task queues' rules on a fake clock: leases, retries with back-off, dead letters, one final status. */
class TaskBrokerTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final TaskProcessorConfig config = new TaskProcessorConfig().setQueueName("q").setMaxRetries(2)
      .setRetryDelayS(1).setVisibilityTimeoutS(10).setResultTtlS(60).setFailedTaskQueueName("q-dead")
      .setHandlers(Map.of("add", new TaskProcessorConfig.Handler("add", List.of("a", "b"), 1, false, false, List.of(), false,
          List.of("int", "int"))));
  private Vertx vertx;
  private TaskBroker broker;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    RouteTable routes = new RouteTable(1, List.of(), List.of(new RouteTable.TaskQueue("q", "app", "Adder", config)));
    broker = new TaskBroker(vertx, new LocalTaskStore(now::get), () -> routes, now::get);
  }

  @AfterEach
  void stop() {
    broker.close();
    vertx.close();
  }

  private static <T> T get(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private TaskResult submit() throws Exception {
    return get(broker.enqueue("q", "add", List.of(1, 2), Map.of()));
  }

  @Test
  void aTaskRunsOnceAndItsResultExpiresAfterItsTtl() throws Exception {
    TaskResult t = submit();
    assertEquals(TaskStatus.PENDING, t.status());
    TaskRecord taken = broker.take(config, "n1", 10_000);
    assertEquals(TaskStatus.STARTED, get(broker.status(t.id())).status());
    assertNull(broker.take(config, "n1", 10_000), "one consumer holds it");
    assertTrue(broker.succeed(taken, 3, config));
    TaskResult done = get(broker.status(t.id()));
    assertEquals(TaskStatus.SUCCESS, done.status());
    assertEquals(3, done.result());
    assertEquals(1, done.attempts());
    now.addAndGet(61_000);
    ServeException gone = assertThrows(ServeException.class, () -> get(broker.status(t.id())));
    assertEquals(404, gone.status());
  }

  @Test
  void aSilentConsumersTaskIsRedeliveredAndOnlyTheFirstResultCounts() throws Exception {
    TaskResult t = submit();
    TaskRecord first = broker.take(config, "dead-node", 10_000);
    now.addAndGet(9_000);
    assertEquals(0, broker.reap(), "the lease still runs");
    now.addAndGet(2_000);
    assertEquals(1, broker.reap());
    assertEquals(TaskStatus.RETRY, get(broker.status(t.id())).status());
    TaskRecord second = broker.take(config, "n2", 10_000);
    assertEquals(2, second.attempts());
    assertTrue(broker.succeed(second, 3, config));
    assertFalse(broker.succeed(first, 99, config), "the first run came back late: its result is not recorded");
    assertEquals(3, get(broker.status(t.id())).result());
  }

  @Test
  void failuresAreRetriedAfterADoublingBackOffThenDeadLettered() throws Exception {
    TaskResult t = submit();
    for (int attempt = 1; attempt <= 3; attempt++) {
      TaskRecord r = broker.take(config, "n1", 10_000);
      assertEquals(attempt, r.attempts());
      broker.fail(r, "boom " + attempt, true, config);
      if (attempt == 3) break;
      assertEquals(TaskStatus.RETRY, get(broker.status(t.id())).status());
      long delay = 1000L << (attempt - 1);
      now.addAndGet(delay - 1);
      assertEquals(0, broker.reap(), "back-off of attempt " + attempt + " not over yet");
      now.addAndGet(1);
      assertEquals(1, broker.reap());
    }
    TaskResult dead = get(broker.status(t.id()));
    assertEquals(TaskStatus.FAILURE, dead.status());
    assertEquals("boom 3", dead.error());
    assertEquals(List.of(t.id()), get(broker.list("q-dead", 10)).stream().map(TaskResult::id).toList());
    now.addAndGet(3_600_000);
    assertEquals(TaskStatus.FAILURE, get(broker.status(t.id())).status(), "a dead letter is kept until requeued");
    assertEquals(1, get(broker.requeue("q-dead")));
    TaskRecord again = broker.take(config, "n1", 10_000);
    assertEquals(1, again.attempts(), "requeued with its attempts reset");
  }

  @Test
  void aTaskWhoseRunsKeepKillingTheirConsumersGivesUp() throws Exception {
    TaskResult t = submit();
    for (int i = 0; i < 3; i++) {
      assertTrue(broker.take(config, "n" + i, 1_000) != null);
      now.addAndGet(1_001);
      broker.reap();
    }
    assertNull(broker.take(config, "n4", 1_000));
    TaskResult r = get(broker.status(t.id()));
    assertEquals(TaskStatus.FAILURE, r.status());
    assertTrue(r.error().startsWith("gave up after 3 attempts"), r.error());
  }

  @Test
  void aRefusedArgumentIsNotRetriedAndATaskTakenByAStoppingReplicaGoesBack() throws Exception {
    TaskResult t = submit();
    broker.untake(broker.take(config, "n1", 10_000));
    assertEquals(TaskStatus.PENDING, get(broker.status(t.id())).status());
    TaskRecord r = broker.take(config, "n1", 10_000);
    assertEquals(1, r.attempts(), "the untaken attempt did not count");
    broker.fail(r, "BadRequest: no", false, config);
    assertEquals(TaskStatus.FAILURE, get(broker.status(t.id())).status());
  }

  @Test
  void submissionsThatCannotRunAreRefusedAndNothingIsQueued() throws Exception {
    assertEquals(404, assertThrows(ServeException.class, () -> get(broker.enqueue("nope", "add", List.of(1), Map.of()))).status());
    assertEquals(404, assertThrows(ServeException.class, () -> get(broker.enqueue("q", "mul", List.of(1), Map.of()))).status());
    assertEquals(400, assertThrows(ServeException.class, () -> get(broker.enqueue("q", "add", List.of(), Map.of()))).status());
    assertEquals(400, assertThrows(ServeException.class, () -> get(broker.enqueue("q", "add", List.of("x"), Map.of()))).status());
    assertEquals(400, assertThrows(ServeException.class, () -> get(broker.enqueue("q", "add", List.of(1), Map.of("a", 2)))).status());
    assertEquals(0, get(broker.queue("q")).depth());
    TaskResult byName = get(broker.enqueue("q", "add", List.of(1), Map.of("b", 5)));
    TaskRecord r = broker.take(config, "n1", 10_000);
    assertEquals(byName.id(), r.id());
    assertEquals(List.of(1, 5), List.of(TaskCheck.callArgs("add", config.getHandlers().get("add"), r.args(), r.kwargs())));
  }
}
