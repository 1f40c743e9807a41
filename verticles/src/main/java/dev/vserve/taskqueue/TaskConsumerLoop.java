package dev.vserve.taskqueue;

import dev.vserve.ServeException;
import dev.vserve.StreamingResponse;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.stream.StreamReply;
import dev.vserve.impl.tasks.TaskBroker;
import dev.vserve.impl.tasks.TaskCheck;
import dev.vserve.impl.tasks.TaskRecord;
import dev.vserve.tasks.TaskProcessorConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The task side of a {@code @task_consumer} replica: takes tasks of its queue, up to the replica's
 * {@code max_ongoing_requests} at once, and runs each as a call to the replica (same admission,
 * threads, deadlines and metrics as any call). While a task runs, its lease is renewed every third of
 * the visibility timeout; if the node dies, the lease runs out and another node's reaper queues the
 * task again.
 */
public final class TaskConsumerLoop {
  private static final System.Logger LOG = System.getLogger(TaskConsumerLoop.class.getName());
  /** How long an idle consumer waits for word of a new task before it looks again anyway. */
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Context context;
  private final TaskBroker broker;
  private final TaskProcessorConfig config;
  private final String nodeId;
  private final Function<Call, Future<Object>> tryCall;
  private final BooleanSupplier closing;
  private final Semaphore slots;
  private final long leaseMs;
  private final Map<String, TaskRecord> running = new ConcurrentHashMap<>();
  private final ExecutorService io = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vserve-task-", 0).factory());
  private volatile boolean stopped;
  private Thread taker;
  private Runnable unlisten = () -> {};
  private long renewer = -1;

  /**
   * @param tryCall the replica's admission: a call's future, or null when it is full or stopping
   * @param closing whether the replica is stopping (a task it refuses then goes back to its queue)
   */
  private TaskConsumerLoop(Context context, TaskBroker broker, TaskProcessorConfig config, String nodeId, int concurrency,
                          Function<Call, Future<Object>> tryCall, BooleanSupplier closing) {
    this.context = context;
    this.broker = broker;
    this.config = config;
    this.nodeId = nodeId;
    this.tryCall = tryCall;
    this.closing = closing;
    this.slots = new Semaphore(Math.max(1, concurrency));
    this.leaseMs = (long) (config.getVisibilityTimeoutS() * 1000);
  }

  /** The task side of a replica whose deployment consumes a queue, started; null for any other replica. */
  public static TaskConsumerLoop startFor(Context context, dev.vserve.impl.NodeContext node, dev.vserve.DeploymentConfig config,
                                          String replicaId, Function<Call, Future<Object>> tryCall, BooleanSupplier closing) {
    TaskProcessorConfig tc = config.getTaskConsumer();
    if (tc == null) return null;
    return new TaskConsumerLoop(context, node.tasks(), tc, node.nodeId(), config.getMaxOngoingRequests(), tryCall, closing).start(replicaId);
  }

  private TaskConsumerLoop start(String replicaId) {
    taker = Thread.ofVirtual().name("vserve-tasks-" + replicaId).start(this::takeLoop);
    unlisten = broker.store().onOffer(config.getQueueName(), () -> LockSupport.unpark(taker));
    renewer = context.owner().setPeriodic(Math.max(100, leaseMs / 3), t -> renew());
    return this;
  }

  private void takeLoop() {
    while (!stopped) {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        return;
      }
      // every free slot at once: one transaction takes them all
      int free = 1 + slots.drainPermits();
      List<TaskRecord> tasks = List.of();
      try {
        if (!stopped) tasks = broker.take(config, nodeId, leaseMs, free);
      } catch (RuntimeException e) {
        if (!stopped) LOG.log(System.Logger.Level.DEBUG, "taking a task of " + config.getQueueName() + " failed: " + e);
      }
      slots.release(free - tasks.size());
      for (TaskRecord task : tasks) {
        running.put(task.id(), task);
        dispatch(task);
      }
      if (tasks.isEmpty() && !stopped) LockSupport.parkNanos(IDLE_NANOS);
    }
  }

  private void dispatch(TaskRecord task) {
    TaskProcessorConfig.Handler h = config.getHandlers().get(task.taskName());
    Object[] args;
    try {
      if (h == null) throw new ServeException(404, "NoSuchTaskHandler", "this consumer has no task handler '" + task.taskName() + "'");
      args = TaskCheck.callArgs(task.taskName(), h, task.args(), task.kwargs());
    } catch (RuntimeException e) {
      completed(task, Future.failedFuture(e));
      return;
    }
    Call call = Call.method(task.id(), h.method(), args, 0, nodeId);
    context.runOnContext(v -> attempt(task, call));
  }

  /** Runs on the replica's context: admitted, or tried again shortly while the replica is full. */
  private void attempt(TaskRecord task, Call call) {
    Future<Object> f = tryCall.apply(call);
    if (f != null) {
      f.onComplete(ar -> io.execute(() -> completed(task, ar)));
    } else if (closing.getAsBoolean() || stopped) {
      io.execute(() -> {
        try {
          broker.untake(task);
        } finally {
          done(task);
        }
      });
    } else {
      context.owner().setTimer(10, t -> attempt(task, call));
    }
  }

  private void completed(TaskRecord task, AsyncResult<Object> ar) {
    try {
      if (ar.succeeded() && (ar.result() instanceof StreamingResponse || ar.result() instanceof StreamReply)) {
        broker.fail(task, "a task handler cannot stream its result", false, config);
      } else if (ar.succeeded()) {
        broker.succeed(task, ar.result(), config);
      } else {
        ServeException e = Failures.toServeException(ar.cause());
        // what a retry cannot fix (arguments refused, no such method) fails at once
        boolean retriable = e.status() >= 500 || e.status() == Failures.REJECTED;
        broker.fail(task, e.errorType() + ": " + e.getMessage(), retriable, config);
      }
    } catch (RuntimeException e) {
      // the store is gone (the node stops): the lease runs out and another node runs the task again
      LOG.log(System.Logger.Level.WARNING, "the outcome of task " + task.id() + " was not recorded: " + e);
    } finally {
      done(task);
    }
  }

  private void done(TaskRecord task) {
    running.remove(task.id());
    slots.release();
  }

  private final java.util.concurrent.atomic.AtomicBoolean renewing = new java.util.concurrent.atomic.AtomicBoolean();

  private void renew() {
    if (running.isEmpty() || !renewing.compareAndSet(false, true)) return;
    List<String> ids = List.copyOf(running.keySet());
    io.execute(() -> {
      try {
        broker.renew(config.getQueueName(), ids, System.currentTimeMillis() + leaseMs);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "renewing task leases failed: " + e);
      } finally {
        renewing.set(false);
      }
    });
  }

  /** Takes no more tasks; those running finish with the replica's drain and record their outcome. */
  public void stop() {
    stopped = true;
    unlisten.run();
    if (renewer >= 0) context.owner().cancelTimer(renewer);
    if (taker != null) taker.interrupt();
  }
}
