package dev.vserve.impl.tasks;

import dev.vserve.BadRequestException;
import dev.vserve.ServeException;
import dev.vserve.impl.Json;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.tasks.QueueInfo;
import dev.vserve.tasks.TaskProcessorConfig;
import dev.vserve.tasks.TaskResult;
import dev.vserve.tasks.Tasks;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The task queues' rules over a {@link TaskStore}: submitting, taking with a lease, recording the one
 * final status, retrying with back-off, dead letters, and redelivering tasks whose consumer fell
 * silent. A retry waits as a lease that ends with its back-off, so that it survives the node that
 * scheduled it: whichever node's reaper sees the lease run out queues the task again.
 */
public final class TaskBroker implements Tasks {
  private static final System.Logger LOG = System.getLogger(TaskBroker.class.getName());
  private final Vertx vertx;
  private final TaskStore store;
  private final Supplier<RouteTable> routes;
  private final LongSupplier clock;
  private final ExecutorService io = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vserve-tasks-", 0).factory());
  private final TaskReaper reaper;
  private long reaperTimer = -1;

  public TaskBroker(Vertx vertx, TaskStore store, Supplier<RouteTable> routes, LongSupplier clock) {
    this.vertx = vertx;
    this.store = store;
    this.routes = routes;
    this.clock = clock;
    this.reaper = new TaskReaper(store, routes, clock);
  }

  public TaskStore store() { return store; }

  // --- submitters ------------------------------------------------------------------------------

  @Override
  @SuppressWarnings("unchecked")
  public Future<TaskResult> enqueue(String queue, String taskName, List<?> args, Map<String, ?> kwargs) {
    TaskRecord r;
    try {
      RouteTable.TaskQueue q = consumed(queue);
      TaskProcessorConfig.Handler h = q.config().getHandlers().get(taskName);
      if (h == null) {
        throw new ServeException(404, "NoSuchTaskHandler", "queue '" + queue + "' has no task handler '" + taskName
            + "' (it has " + q.config().getHandlers().keySet() + ")");
      }
      TaskCheck.check(taskName, h, args, kwargs);
      // JSON-shaped, as they are stored: what does not encode is refused now, not at the consumer
      List<Object> a = args == null ? List.of() : jsonCopy(args, List.class);
      Map<String, Object> k = kwargs == null ? Map.of() : jsonCopy(kwargs, Map.class);
      r = TaskRecord.created(UUID.randomUUID().toString(), queue, taskName, a, k, clock.getAsLong());
    } catch (ServeException e) {
      return Future.failedFuture(e);
    } catch (Exception e) {
      return Future.failedFuture(new BadRequestException("the task's arguments are not JSON values: " + e.getMessage()));
    }
    String encoded = r.encode();
    return off(() -> {
      // no transaction: a node dying between the two leaves a record no queue names, and its submitter
      // was never told its id
      store.submit(r.id(), encoded, queue);
      return r.toResult();
    });
  }

  @Override
  public Future<TaskResult> status(String taskId) {
    return off(() -> {
      String raw = store.read(taskId);
      if (raw == null) throw new ServeException(404, "NoSuchTask", "no task '" + taskId + "' (unknown, or its result expired)");
      return TaskRecord.decode(raw).toResult();
    });
  }

  @Override
  public Future<TaskResult> await(String taskId, long timeoutMs) {
    long deadline = clock.getAsLong() + timeoutMs;
    Promise<TaskResult> done = Promise.promise();
    poll(taskId, deadline, 2, done);
    return done.future();
  }

  private void poll(String taskId, long deadline, long delayMs, Promise<TaskResult> done) {
    status(taskId).onComplete(ar -> {
      if (ar.failed()) done.fail(ar.cause());
      else if (ar.result().status().isFinal() || clock.getAsLong() >= deadline) done.complete(ar.result());
      else vertx.setTimer(Math.max(1, Math.min(delayMs, deadline - clock.getAsLong())), t -> poll(taskId, deadline, Math.min(delayMs < 8 ? delayMs + 2 : delayMs * 2, 100), done));
    });
  }

  @Override
  public Future<QueueInfo> queue(String queue) {
    return known(queue).compose(q -> {
      boolean consumed = q.name().equals(queue);
      return off(() -> new QueueInfo(queue, store.depth(queue), consumed ? q.app() : null, consumed ? q.deployment() : null));
    });
  }

  @Override
  public Future<List<TaskResult>> list(String queue, int limit) {
    return known(queue).compose(q -> off(() -> {
      List<TaskResult> out = new ArrayList<>();
      for (String id : store.peek(queue, Math.max(0, limit))) {
        String raw = store.read(id);
        if (raw != null) out.add(TaskRecord.decode(raw).toResult());
      }
      return out;
    }));
  }

  @Override
  public Future<Integer> requeue(String deadLetterQueue) {
    return known(deadLetterQueue).compose(q -> q.name().equals(deadLetterQueue)
        ? Future.failedFuture(new BadRequestException("'" + deadLetterQueue + "' is a work queue, not a dead-letter queue"))
        : off(() -> moveBack(deadLetterQueue)));
  }

  /**
   * Each task of a dead-letter queue back to its own queue, one transaction each; how many moved. Only
   * as many as it held when asked: one that fails again meanwhile comes back to it, and stays there.
   */
  private int moveBack(String deadLetterQueue) {
    int moved = 0;
    int held = store.depth(deadLetterQueue);
    while (moved < held && store.atomically(tx -> {
      String id = tx.poll(deadLetterQueue);
      if (id == null) return false;
      String raw = tx.get(id);
      if (raw != null) {
        TaskRecord r = TaskRecord.decode(raw);
        tx.put(id, r.requeued().encode(), 0);
        tx.offer(r.queue(), id);
      }
      return true;
    })) {
      moved++;
    }
    return moved;
  }

  /** The queue a deployment consumes; a 404 naming the queues there are otherwise. */
  private RouteTable.TaskQueue consumed(String queue) {
    RouteTable.TaskQueue q = routes.get().queue(queue);
    if (q == null) throw noQueue(queue);
    return q;
  }

  /** A consumed queue, or the consumer whose dead-letter queue {@code queue} is; a 404 otherwise. */
  private Future<RouteTable.TaskQueue> known(String queue) {
    for (RouteTable.TaskQueue q : routes.get().queues()) {
      if (q.name().equals(queue) || queue.equals(q.config().getFailedTaskQueueName())
          || queue.equals(q.config().getUnprocessableTaskQueueName())) {
        return Future.succeededFuture(q);
      }
    }
    return Future.failedFuture(noQueue(queue));
  }

  private ServeException noQueue(String queue) {
    List<String> names = routes.get().queues().stream().map(RouteTable.TaskQueue::name).sorted().toList();
    return new ServeException(404, "NoSuchQueue", "no task queue '" + queue + "'" + (names.isEmpty()
        ? " (no deployment consumes tasks)" : " (queues: " + String.join(", ", names) + ")"));
  }

  // --- consumers (blocking: called on their own threads) ----------------------------------------

  /** The oldest task of the queue, leased to {@code node} until {@code leaseMs} from now; null when none. */
  public TaskRecord take(TaskProcessorConfig config, String node, long leaseMs) {
    List<TaskRecord> one = take(config, node, leaseMs, 1);
    return one.isEmpty() ? null : one.get(0);
  }

  /** Up to {@code max} of the oldest tasks, in one transaction (what a busy consumer's free slots take at once). */
  public List<TaskRecord> take(TaskProcessorConfig config, String node, long leaseMs, int max) {
    String queue = config.getQueueName();
    return store.atomically(tx -> {
      List<TaskRecord> taken = new ArrayList<>();
      while (taken.size() < max) {
        String id = tx.poll(queue);
        if (id == null) break;
        String raw = tx.get(id);
        if (raw == null) continue;
        TaskRecord r = TaskRecord.decode(raw);
        if (r.status().isFinal()) continue;
        long now = clock.getAsLong();
        TaskRecord s = r.started(now, node);
        if (s.attempts() > config.getMaxRetries() + 1) {
          // redelivered past its retries (its runs kept killing their consumers): it fails here
          finish(tx, s.failed(now, "gave up after " + r.attempts() + " attempts: " + r.error(), config.getFailedTaskQueueName()), config);
          continue;
        }
        tx.put(id, s.encode(), 0);
        tx.lease(leaseKey(queue, id), now + leaseMs);
        taken.add(s);
      }
      return taken;
    });
  }

  /** Records the result, unless the task has a final status already (it ran twice): false then. */
  public boolean succeed(TaskRecord task, Object result, TaskProcessorConfig config) {
    Object value;
    try {
      value = jsonCopy(result, Object.class);
    } catch (Exception e) {
      return fail(task, "the result is not a JSON value: " + e.getMessage(), false, config);
    }
    // the hot path without a transaction: compare-and-set the record, then drop the lease (a lease
    // left by a node dying in between runs out, and the reaper finds the task final)
    String key = leaseKey(task.queue(), task.id());
    for (;;) {
      String raw = store.read(task.id());
      TaskRecord cur = raw == null ? null : TaskRecord.decode(raw);
      if (cur == null || cur.status().isFinal()) {
        store.release(key);
        return false;
      }
      if (store.replace(task.id(), raw, cur.succeeded(clock.getAsLong(), value).encode(), (long) (config.getResultTtlS() * 1000))) {
        store.release(key);
        return true;
      }
    }
  }

  /**
   * A failed attempt: retried after its back-off while retries remain (and the failure is one a retry
   * may fix), else failed for good into its dead-letter queue. False if the task was final already.
   */
  public boolean fail(TaskRecord task, String why, boolean retriable, TaskProcessorConfig config) {
    return store.atomically(tx -> {
      TaskRecord cur = current(tx, task);
      if (cur == null) return false;
      long now = clock.getAsLong();
      if (retriable && cur.attempts() <= config.getMaxRetries()) {
        tx.put(cur.id(), cur.retrying(why).encode(), 0);
        tx.lease(leaseKey(cur.queue(), cur.id()), now + config.retryDelayMs(cur.attempts()));
      } else {
        String into = !retriable && config.getUnprocessableTaskQueueName() != null
            ? config.getUnprocessableTaskQueueName() : config.getFailedTaskQueueName();
        finish(tx, cur.failed(now, why, into), config);
      }
      return true;
    });
  }

  /** A task taken but not run (its replica is stopping): back to its queue now. */
  public void untake(TaskRecord task) {
    store.atomically(tx -> {
      TaskRecord cur = current(tx, task);
      if (cur == null) return null;
      tx.release(leaseKey(cur.queue(), cur.id()));
      tx.put(cur.id(), cur.untaken().encode(), 0);
      tx.offer(cur.queue(), cur.id());
      return null;
    });
  }

  /** {@code value} as the store keeps it: encoded and read back (what does not encode fails here). */
  private static <T> T jsonCopy(Object value, Class<?> type) {
    return Json.read(Json.encode(value), type, "task value");
  }

  /** The task as it is, with its lease released if it is final already; null then. */
  private TaskRecord current(TaskStore.Tx tx, TaskRecord task) {
    String raw = tx.get(task.id());
    TaskRecord cur = raw == null ? null : TaskRecord.decode(raw);
    if (cur != null && !cur.status().isFinal()) return cur;
    tx.release(leaseKey(task.queue(), task.id()));
    return null;
  }

  /**
   * A lease is kept under its queue's name and the task's id: the reaper finds the task by it, and a
   * queue's leases (its tasks running, or waiting for a retry) are counted without reading records.
   */
  static String leaseKey(String queue, String id) {
    return queue + '/' + id;
  }

  /** Extends the leases of tasks of {@code queue} a consumer still runs. */
  public void renew(String queue, List<String> ids, long deadline) {
    store.renew(ids.stream().map(id -> leaseKey(queue, id)).toList(), deadline);
  }

  /** Writes a final status: kept for the result TTL, or until requeued when it went to a dead-letter queue. */
  private static void finish(TaskStore.Tx tx, TaskRecord done, TaskProcessorConfig config) {
    tx.release(leaseKey(done.queue(), done.id()));
    tx.put(done.id(), done.encode(), done.deadLetter() != null ? 0 : (long) (config.getResultTtlS() * 1000));
    if (done.deadLetter() != null) tx.offer(done.deadLetter(), done.id());
  }

  // --- the reaper ------------------------------------------------------------------------------

  /**
   * Queues again every task whose lease ran out: a retry whose back-off is over, or a task whose
   * consumer fell silent (its node died, or it hangs). Safe on every node at once: the lease is the
   * claim. Returns how many it queued.
   */
  public int reap() {
    return reaper.reap(store.leases());
  }

  /** The queue's depth as of the last look (every reaper pass); 0 if unknown. */
  public int lastDepth(String queue) {
    return reaper.lastDepth(queue);
  }

  /** Tasks of the queue running or waiting for a retry, as of the last look. */
  public int lastInFlight(String queue) {
    return reaper.lastInFlight(queue);
  }

  /** Runs the reaper every {@code periodMs} on this node, until {@link #close}. */
  public TaskBroker startReaper(long periodMs) {
    reaperTimer = vertx.setPeriodic(periodMs, t -> {
      // nothing to look at where no deployment consumes a queue (a lease outlives its queue's consumer
      // only while the application runs); and one pass at a time: while the cluster loses a member,
      // a pass waits on Hazelcast, and passes piling up would crowd out the cluster's own calls
      if (routes.get().queues().isEmpty() || !reaping.compareAndSet(false, true)) return;
      io.execute(() -> {
        try {
          Map<String, Long> leases = store.leases();
          reaper.reap(leases);
          reaper.measure(leases);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "task reaper pass failed (the cluster is changing?): " + e);
        } finally {
          reaping.set(false);
        }
      });
    });
    return this;
  }

  private final java.util.concurrent.atomic.AtomicBoolean reaping = new java.util.concurrent.atomic.AtomicBoolean();

  /** Work that blocks, on a virtual thread; its outcome back on the caller's context. */
  private <T> Future<T> off(Callable<T> work) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> p = Promise.promise();
    io.execute(() -> {
      try {
        T v = work.call();
        ctx.runOnContext(x -> p.complete(v));
      } catch (Throwable t) {
        ctx.runOnContext(x -> p.fail(t));
      }
    });
    return p.future();
  }

  public void close() {
    if (reaperTimer >= 0) vertx.cancelTimer(reaperTimer);
    io.shutdownNow();
    store.close();
  }
}
