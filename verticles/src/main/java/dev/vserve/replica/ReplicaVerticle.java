package dev.vserve.replica;

import dev.vserve.impl.NodeContext;
import dev.vserve.impl.autoscale.ScalingRules;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.app.HandleRef;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.Json;
import dev.vserve.spi.ReplicaCode;
import dev.vserve.spi.ReplicaCodeFactory;
import dev.vserve.impl.router.LocalReplica;
import dev.vserve.ReplicaContext;
import dev.vserve.ServeException;
import dev.vserve.impl.stream.RemoteStreams;
import dev.vserve.impl.stream.StreamReply;
import dev.vserve.impl.stream.StreamResults;
import dev.vserve.metrics.ServeMetrics;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * One replica of a deployment: the user object, an event-bus address of its own, and admission at
 * {@code maxOngoingRequests}. User code runs on virtual threads, so blocking handlers and
 * {@code response.await()} are fine, except non-blocking methods (a returned future, or
 * {@code @NonBlocking}), which run on the calling event loop; a call that would exceed the limit is
 * refused at once so the caller's router can place it elsewhere. Callers on this node skip the
 * event bus ({@link LocalReplica}); the address serves other nodes and plain verticles.
 */
public final class ReplicaVerticle extends VerticleBase implements LocalReplica {
  private static final System.Logger LOG = System.getLogger(ReplicaVerticle.class.getName());
  private static final long SWEEP_MS = 100;
  /** How long a stopping replica of a cluster keeps refusing calls at its address after it drained. */
  private static final long LINGER_MS = 500;
  /** Published when a replica is stuck: {"replica": id, "reason": why}; the controller replaces it. */
  public static final String UNHEALTHY = "vserve.replica.unhealthy";
  /** Items a stream may run ahead of its client before the producer waits. */
  private static final int STREAM_BUFFER = 16;
  private static final DeliveryOptions REPLY = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final NodeContext node;
  private final String app;
  /** Swapped whole when a redeploy changes only settings ({@link #updateConfig}). */
  private volatile DeploymentPlan plan;
  private final String replicaId;
  private final AtomicInteger ongoing = new AtomicInteger();
  private ServeMetrics.ReplicaMeters meters;
  private ExecutorService workers;
  private ReplicaCode invoker;
  private final ReplicaContext replicaContext;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<Object> configConsumer;
  private StatsReporter stats;
  private StatsReporter routingStats;
  /** The sweeper interrupts the calls past their deadline. */
  private final Deadlines deadlines = new Deadlines();
  private long sweeper = -1;
  private ReplicaWatch watch;
  /**
   * Refusing every call (unhealthy, or stopping): callers whose replica set still lists this replica
   * get an immediate refusal and route elsewhere. The address stays registered meanwhile, because a
   * call sent to an address its node no longer has is dropped silently by a clustered event bus.
   */
  private volatile boolean closing;
  private final BlockedCheck blockedCheck;
  private dev.vserve.taskqueue.TaskConsumerLoop tasks;
  private ModelReporter models;

  public ReplicaVerticle(NodeContext node, String app, DeploymentPlan plan, String replicaId, java.util.List<Integer> gpuIds) {
    this.node = node;
    this.app = app;
    this.plan = plan;
    this.replicaId = replicaId;
    this.replicaContext = new ReplicaContext(app, plan.name(), replicaId, plan.config(), node.nodeId(), java.util.List.copyOf(gpuIds));
    this.blockedCheck = new BlockedCheck(plan.name());
  }

  /**
   * Ray's {@code user_config}: handed to the code's {@code reconfigure(config)} right after it is
   * constructed; a failure, or no such method, fails the replica's start naming it.
   */
  private void reconfigure(ReplicaCode code, Object userConfig) throws Throwable {
    if (userConfig == null) return;
    try {
      Object[] args = {userConfig};
      code.call("reconfigure", args, Call.method(dev.vserve.impl.RequestIds.next(), "reconfigure", args, 0, node.nodeId()));
    } catch (Throwable t) {
      ServeException e = Failures.toServeException(t);
      throw new IllegalArgumentException("user_config is set, and reconfigure(config) failed: " + e.errorType() + ": "
          + e.getMessage(), t);
    }
  }

  /** What a log line about one call says of where it ran. */
  private java.util.Map<String, String> logFields(String requestId) {
    return dev.vserve.impl.call.UserErrors.fields(requestId, app, plan.name(), replicaId);
  }

  public static String address(String replicaId) {
    return "vserve.replica." + replicaId;
  }

  @Override
  public Future<?> start() {
    workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vserve-" + replicaId + "-", 0).factory());
    Promise<ReplicaCode> constructed = Promise.promise();
    onWorker(() -> {
      try {
        ReplicaCode inv = ReplicaCodeFactory.load(plan,
            a -> HandleRef.revive(a) instanceof HandleRef ref ? node.handle(ref.app(), ref.deployment()) : a);
        try {
          reconfigure(inv, plan.config().getUserConfig());
        } catch (Throwable t) {
          inv.close();
          throw t;
        }
        // back on the verticle's context, so the consumer below belongs to it
        context.runOnContext(v -> constructed.complete(inv));
      } catch (Throwable t) {
        Exception e = new IllegalStateException("replica " + replicaId + " of deployment '" + plan.name()
            + "' failed to start: " + t, t);
        context.runOnContext(v -> constructed.fail(e));
      }
    });
    return constructed.future().compose(inv -> {
      invoker = inv;
      meters = ServeMetrics.of(vertx).replica(app, plan.name(), replicaId, ongoing::get);
      consumer = vertx.eventBus().consumer(address(replicaId), this::onCall);
      watch = new ReplicaWatch(vertx, context, workers, inv, replicaId, () -> plan, node.requestTimeoutMs(), () -> closing = true, REPLY);
      sweeper = vertx.setPeriodic(SWEEP_MS, t -> {
        deadlines.interruptAbandoned(thread -> watch.health().interrupted(thread, System.nanoTime()));
        watch.sweep();
      });
      watch.arm();
      stats = StatsReporter.autoscaling(vertx, workers, inv, app, plan.name(), replicaId);
      if (plan.config().getAutoscalingConfig() != null) stats.start(ScalingRules.metricsIntervalMs(plan.config().getAutoscalingConfig()));
      routingStats = StatsReporter.routing(vertx, workers, inv, app, plan.name(), replicaId);
      routingStats.start(plan.config().getRequestRouter());
      configConsumer = vertx.eventBus().consumer(configAddress(replicaId), this::onConfig);
      models = new ModelReporter(context, app, plan.name(), replicaId);
      return consumer.completion().onSuccess(v -> {
        node.registerLocal(address(replicaId), this);
        tasks = dev.vserve.taskqueue.TaskConsumerLoop.startFor(context, node, plan.config(), replicaId, this::tryCall, () -> closing);
      });
    });
  }

  /** Runs {@code task} on a virtual thread of this replica's, where {@code ReplicaContext} knows it. */
  private void onWorker(Runnable task) {
    workers.execute(() -> {
      dev.vserve.impl.replica.CurrentReplica.set(replicaContext);
      task.run();
    });
  }

  /** Where the controller sends a deployment's changed settings for this replica. */
  public static String configAddress(String replicaId) {
    return address(replicaId) + ".config";
  }

  /**
   * A redeploy changed only settings: take them without restarting (Ray's in-place update) and, if
   * {@code user_config} changed, hand it to {@code reconfigure(config)}; the reply says when it is done.
   */
  private void onConfig(Message<Object> msg) {
    dev.vserve.DeploymentConfig next;
    try {
      next = Json.convert(msg.body(), dev.vserve.DeploymentConfig.class);
    } catch (RuntimeException e) {
      Failures.fail(msg, e);
      return;
    }
    Object before = plan.config().getUserConfig();
    plan = plan.withConfig(next);
    watch.arm();
    if (next.getAutoscalingConfig() != null) stats.start(ScalingRules.metricsIntervalMs(next.getAutoscalingConfig())); else stats.stop();
    routingStats.start(next.getRequestRouter());
    if (java.util.Objects.equals(before, next.getUserConfig())) {
      msg.reply("updated", REPLY);
      return;
    }
    onWorker(() -> {
      try {
        reconfigure(invoker, next.getUserConfig());
        msg.reply("reconfigured", REPLY);
      } catch (Throwable t) {
        Failures.fail(msg, t);
      }
    });
  }

  private void onCall(Message<Object> msg) {
    if (!admit()) {
      Failures.fail(msg, Failures.rejected(replicaId));
      return;
    }
    run(Json.convert(msg.body(), Call.class), (result, failure) -> {
      if (result instanceof StreamReply stream) {
        // a caller on another node: the items follow as answers to its credits
        workers.execute(() -> RemoteStreams.serve(msg, stream, node.requestTimeoutMs()));
      } else if (failure == null) {
        msg.reply(result, REPLY);
      } else {
        Failures.fail(msg, failure);
      }
    });
  }

  @Override
  public Future<Object> tryCall(Call call) {
    if (!admit()) return null;
    // on the caller's context (a proxy's event loop) when it has one: the caller's deadline timer then
    // lives on that loop, where a context-less future's timer went to Netty's global thread and back
    Promise<Object> done = dev.vserve.impl.CallerContext.promise();
    run(call, (result, failure) -> {
      if (failure == null) done.complete(result);
      else done.fail(Failures.toServeException(failure));
    });
    return done.future();
  }

  private boolean admit() {
    if (closing) return false;
    if (ongoing.incrementAndGet() > plan.config().getMaxOngoingRequests()) {
      ongoing.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * Runs an admitted call on a virtual thread (or its event loop: {@link #runNonBlocking}); the slot
   * is free again before the answer goes out ({@link #finish}).
   */
  private void run(Call call, BiConsumer<Object, Throwable> answer) {
    if (runNonBlocking(call, answer)) return;
    onWorker(() -> {
      Object result = null;
      Throwable failure = null;
      Thread self = Thread.currentThread();
      deadlines.started(self, call.deadlineMs());
      long started = System.nanoTime();
      ReplicaSpan span = ReplicaSpan.start(node.tracing(), call, app, plan.name(), replicaId);
      try {
        result = invoker.invoke(call);
      } catch (Throwable t) {
        failure = t;
        boolean abandoned = call.deadlineMs() > 0 && System.currentTimeMillis() >= call.deadlineMs();
        if (abandoned) {
          // cancelled (or failed) after its caller gave up: whoever still listens sees the timeout
          failure = new ServeException(504, "Timeout", "the call ran past its deadline and was cancelled");
        } else {
          logFailure(call, t);
        }
      } finally {
        deadlines.ended(self);
        watch.health().ended(self);
        span.end(failure);
      }
      meters.record(System.nanoTime() - started, failure != null);
      finish(call, result, failure, started, answer);
    });
  }

  /**
   * Answers a call that has run and frees its slot. A stream is answered at once with its channel and
   * then produced on this thread, which must be one that may block (its items may be slow), holding
   * the slot until the stream ends (streams count as ongoing requests).
   */
  private void finish(Call call, Object result, Throwable failure, long started, BiConsumer<Object, Throwable> answer) {
    if (!StreamResults.isStream(result)) {
      ongoing.decrementAndGet();
      answer.accept(result, failure);
      return;
    }
    // a bare iterator or stream: a handle call to a method that yields items
    StreamProducer.produce(StreamResults.of(result, null), STREAM_BUFFER, answer, (first, nanos) -> meters.streamItem(first, nanos - started),
        t -> dev.vserve.impl.call.UserErrors.log(LOG, "the stream of " + call.target() + " failed in " + plan.name(), t,
            logFields(call.requestId())));
    ongoing.decrementAndGet();
  }

  /**
   * A call to a non-blocking method runs here, on the calling event loop (the replica's own for a call
   * from another node, the proxy's or a handle's for one from this node), and is answered when its
   * future completes. False when the method may block: it goes to a virtual thread.
   */
  private boolean runNonBlocking(Call call, BiConsumer<Object, Throwable> answer) {
    if (!invoker.isNonBlocking(call)) return false;
    long started = System.nanoTime();
    ReplicaSpan span = ReplicaSpan.start(node.tracing(), call, app, plan.name(), replicaId);
    Future<Object> result;
    try {
      result = invoker.invokeNonBlocking(call);
    } finally {
      span.leave();
    }
    if (result == null) result = Future.failedFuture(new IllegalStateException("the code took the call as non-blocking, then did not run it"));
    blockedCheck.check(call.target(), System.nanoTime() - started);
    result.onComplete(ar -> {
      if (ar.failed()) logFailure(call, ar.cause());
      span.end(ar.cause());
      meters.record(System.nanoTime() - started, ar.failed());
      if (!StreamResults.isStream(ar.result())) {
        finish(call, ar.result(), ar.cause(), started, answer);
        return;
      }
      // its items may take their time (a model's steps): they are made on a virtual thread
      try {
        onWorker(() -> finish(call, ar.result(), null, started, answer));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        finish(call, null, new ServeException(503, "ReplicaStopping", "the replica stopped before its stream was produced"), started, answer);
      }
    });
    return true;
  }

  /** The user code's own failures, logged as they happen (a ServeException is an answer, not a failure). */
  private void logFailure(Call call, Throwable t) {
    if (!(t instanceof ServeException)) {
      dev.vserve.impl.call.UserErrors.log(LOG, call.target() + " failed in " + plan.name(), t, logFields(call.requestId()));
    }
  }

  /**
   * Graceful stop: stop taking calls (callers' routers retry elsewhere), let running ones finish for
   * up to {@code gracefulShutdownTimeoutS}, then stop the worker threads.
   */
  @Override
  public Future<?> stop() {
    if (sweeper >= 0) vertx.cancelTimer(sweeper);
    if (watch != null) watch.stop();
    if (stats != null) stats.stop();
    if (routingStats != null) routingStats.stop();
    if (configConsumer != null) configConsumer.unregister();
    if (tasks != null) tasks.stop();
    if (models != null) models.stop();
    ServeMetrics.of(vertx).removeReplica(replicaId);
    closing = true;
    Promise<Void> drained = Promise.promise();
    // a stuck replica has nothing left to drain: what runs there will not finish
    long deadline = watch != null && watch.isStuck() ? System.nanoTime() : System.nanoTime() + (long) (plan.config().getGracefulShutdownTimeoutS() * 1e9);
    awaitDrain(drained, deadline);
    return drained.future().compose(v -> {
      // calls other nodes sent before they heard the replica left are still refused, not lost
      Promise<Void> lingered = Promise.promise();
      vertx.setTimer(vertx.isClustered() ? LINGER_MS : 1, t -> lingered.complete());
      return lingered.future();
    }).compose(v -> {
      node.unregisterLocal(address(replicaId));
      return consumer == null ? Future.<Void>succeededFuture() : consumer.unregister();
    }).onComplete(ar -> {
      if (invoker != null) invoker.close();
      if (workers != null) workers.shutdownNow();
    });
  }

  private void awaitDrain(Promise<Void> drained, long deadlineNanos) {
    if (ongoing.get() == 0 || System.nanoTime() >= deadlineNanos) {
      drained.complete();
    } else {
      vertx.setTimer(10, t -> awaitDrain(drained, deadlineNanos));
    }
  }
}
