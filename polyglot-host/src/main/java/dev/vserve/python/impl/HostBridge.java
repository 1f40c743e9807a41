package dev.vserve.python.impl;

import dev.vserve.Batch;
import dev.vserve.BatchOptions;
import dev.vserve.DeploymentHandle;
import dev.vserve.DeploymentStream;
import dev.vserve.ReplicaContext;
import dev.vserve.Response;
import dev.vserve.ServeException;
import dev.vserve.StreamingResponse;
import dev.vserve.djl.DjlModel;
import dev.vserve.djl.ModelBlock;
import dev.vserve.impl.Json;
import dev.vserve.impl.app.HandleRef;
import dev.vserve.impl.batch.BatchQueue;
import dev.vserve.impl.call.Failures;
import io.vertx.core.Future;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What the {@code vserve} Python package calls on the host ({@code vserve._context.host}): handles, futures,
 * batch queues, responses and models. Everything else of the JVM stays out of Python's reach.
 * Methods run on the replica's Python thread; completions come back to it through {@link ReplicaThread#post}.
 */
public final class HostBridge {
  private static final Object END = new Object();
  private static final Executor WAITERS = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vserve-py-wait-", 0).factory());

  private final ReplicaThread thread;
  private final Function<Object, Object> resolveHandle;
  private final Path appDir;
  private final ReplicaContext replica;
  private final List<BatchQueue> batches = new ArrayList<>();
  private final List<PyModel> models = new ArrayList<>();
  /** vserve._run_batch of this context: runs a batch and settles its reply. */
  Value runBatch;

  HostBridge(ReplicaThread thread, Function<Object, Object> resolveHandle, Path appDir, ReplicaContext replica) {
    this.thread = thread;
    this.resolveHandle = resolveHandle;
    this.appDir = appDir;
    this.replica = replica;
  }

  // --- logging ---------------------------------------------------------------------------------

  private static final System.Logger LOG = System.getLogger("dev.vserve.python.Deployment");

  /** A warning about the user's application (an option vserve does not act on yet), in the node's log. */
  @HostAccess.Export
  public void warn(String message) {
    LOG.log(System.Logger.Level.WARNING, message);
  }

  // --- futures ---------------------------------------------------------------------------------

  /** Resumes a waiting coroutine on the replica's thread once {@code future} completes. */
  @HostAccess.Export
  public void resume(Object future, Value callback, Value owner) {
    // the coroutine's trace (the call it serves) goes on in the step that resumes it
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
    whenDone(future, (value, failure) -> thread.post(trace.wrap(() -> guarded(owner, () -> {
      if (failure == null) {
        callback.execute(true, value);
      } else {
        ServeException e = Failures.toServeException(failure);
        callback.execute(false, new Object[] {e.status(), e.errorType(), String.valueOf(e.getMessage())});
      }
    }))));
  }

  /**
   * Runs a step of Python for {@code owner} (a call's {@link Reply} or a stream's {@link PyItems}); what
   * Python could not catch (a refusal of the host's) fails that call at once instead of leaving it waiting.
   */
  static void guarded(Value owner, Runnable step) {
    Object o = owner != null && owner.isHostObject() ? owner.asHostObject() : null;
    guarded(o instanceof Outcome out ? out : null, step);
  }

  static void guarded(Outcome owner, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      if (owner == null) throw e;
      owner.abort(Sandbox.failure(e));
    }
  }

  /** A future Python settles itself ({@link #settle}): what a task (a coroutine run on its own) completes. */
  /** A metric's name and tag keys checked as Java's {@link dev.vserve.Metrics} checks them (Python raises). */
  @HostAccess.Export
  public void metricCheck(String kind, String name, java.util.List<String> tagKeys) {
    String[] keys = tagKeys.toArray(String[]::new);
    switch (kind) {
      case "counter" -> dev.vserve.Metrics.counter(name, "", keys);
      case "gauge" -> dev.vserve.Metrics.gauge(name, "", keys);
      default -> dev.vserve.Metrics.histogram(name, "", java.util.List.of(1.0), keys);
    }
  }

  /** One record of a Python metric (already checked in Python), into the node's registry. */
  @HostAccess.Export
  public void metric(String kind, String name, String description, java.util.List<Double> boundaries, java.util.List<String> tagKeys,
                     java.util.Map<String, String> tags, double value) {
    if (replica == null) return;  // read by the launcher, not in a replica
    dev.vserve.impl.Telemetry.sink().userMetric(replica, kind, name, description,
        boundaries.stream().map(b -> ((Number) b).doubleValue()).toList(), new java.util.TreeMap<>(tags), value);
  }

  @HostAccess.Export
  public Object newFuture() {
    return new CompletableFuture<Object>();
  }

  @HostAccess.Export
  @SuppressWarnings("unchecked")
  public void settle(Object future, boolean ok, Value value) {
    CompletableFuture<Object> f = (CompletableFuture<Object>) future;
    if (ok) f.complete(value);
    else f.completeExceptionally(new ServeException(500, "TaskFailed", "the task raised"));
  }

  /** A future that completes after {@code seconds}: what {@code asyncio.sleep} awaits in a replica. */
  @HostAccess.Export
  public Object timer(double seconds) {
    return CompletableFuture.supplyAsync(() -> null,
        CompletableFuture.delayedExecutor((long) (seconds * 1_000_000), TimeUnit.MICROSECONDS));
  }

  @HostAccess.Export
  public void later(Value callback, Value owner) {
    thread.post(io.opentelemetry.context.Context.current().wrap(() -> guarded(owner, callback::executeVoid)));
  }

  /**
   * {@code response.result()}: waits on the Python thread (plain {@code def} handlers). The outcome as
   * {@code [true, value]} or {@code [false, [status, error type, message]]}, for Python to raise its own
   * exception types.
   */
  @HostAccess.Export
  public Object[] block(Object future, double timeoutS) throws InterruptedException {
    CompletableFuture<Object> f = new CompletableFuture<>();
    whenDone(future, (v, t) -> {
      if (t == null) f.complete(v);
      else f.completeExceptionally(t);
    });
    try {
      return new Object[] {true, timeoutS < 0 ? f.get() : f.get((long) (timeoutS * 1000), TimeUnit.MILLISECONDS)};
    } catch (java.util.concurrent.ExecutionException e) {
      ServeException se = Failures.toServeException(e.getCause());
      return new Object[] {false, new Object[] {se.status(), se.errorType(), String.valueOf(se.getMessage())}};
    } catch (java.util.concurrent.TimeoutException e) {
      return new Object[] {false, new Object[] {504, "Timeout", "no result within " + timeoutS + " s"}};
    }
  }

  @SuppressWarnings("unchecked")
  private static void whenDone(Object future, BiConsumer<Object, Throwable> done) {
    if (future instanceof Future<?> f) {
      ((Future<Object>) f).onComplete(done::accept);
    } else if (future instanceof CompletionStage<?> cs) {
      ((CompletionStage<Object>) cs).whenComplete((v, t) ->
          done.accept(v, t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t));
    } else {
      throw new IllegalArgumentException("not a future: " + future);
    }
  }

  // --- handles ---------------------------------------------------------------------------------

  /** A future that fails with RequestCancelledError at once: what a cancelled response is waited on as. */
  @HostAccess.Export
  public Object cancelled(Object future) {
    return Future.failedFuture(new ServeException(499, "RequestCancelledError", "the response was cancelled"));
  }

  @HostAccess.Export
  public Object remote(Object handle, String method, Value args) {
    return handle(handle).method(method).remote(PyValues.toJavaArgs(args));
  }

  @HostAccess.Export
  public Object stream(Object handle, String method, Value args) {
    Future<DeploymentStream> started = handle(handle).method(method).stream(PyValues.toJavaArgs(args));
    return new PyStream(started);
  }

  /** The next item of a streaming call, or the end marker ({@link #isEnd}). */
  @HostAccess.Export
  public Object nextItem(Object stream) {
    PyStream s = (PyStream) stream;
    return CompletableFuture.supplyAsync(() -> {
      Iterator<Object> it = s.iterator();
      return it.hasNext() ? it.next() : END;
    }, WAITERS);
  }

  @HostAccess.Export
  public boolean isEnd(Object item) {
    return item == END;
  }

  @HostAccess.Export
  public void cancelStream(Object stream) {
    ((PyStream) stream).cancel();
  }

  @HostAccess.Export public boolean isHandle(Object v) { return v instanceof DeploymentHandle; }
  @HostAccess.Export public Object multiplexed(Object h, String modelId) { return handle(h).multiplexed(modelId); }
  @HostAccess.Export public String deploymentName(Object h) { return handle(h).deploymentName(); }
  @HostAccess.Export public String appName(Object h) { return handle(h).appName(); }

  @HostAccess.Export
  public Object appHandle(String app) {
    return resolveHandle.apply(new HandleRef(app, null));
  }

  @HostAccess.Export
  public Object deploymentHandle(String app, String deployment) {
    return resolveHandle.apply(new HandleRef(app, deployment));
  }

  private DeploymentHandle handle(Object h) {
    if (h instanceof DeploymentHandle d) return d;
    throw new IllegalArgumentException("not a deployment handle: " + h);
  }

  @HostAccess.Export
  public String[] replicaContext() {
    if (replica == null) throw new IllegalStateException("not inside a replica");
    return new String[] {replica.appName(), replica.deploymentName(), replica.replicaId(), replica.nodeId()};
  }

  // --- Python objects between Python deployments (see Pickles) -------------------------------------

  /** The node this bridge's replica runs on; {@code what} says what needs it when there is none. */
  private dev.vserve.impl.NodeContext node(String what) {
    var node = replica == null ? null : dev.vserve.impl.NodeContext.byNodeId(replica.nodeId());
    if (node == null) throw new IllegalStateException(what + " only from inside a replica");
    return node;
  }

  private byte[] secret() {
    return node("Python objects cross between deployments").secret();
  }

  /** A pickled object as it crosses: a signed JSON marker. */
  @HostAccess.Export
  public Object pickled(Value bytes, String type) {
    byte[] b = new byte[Math.toIntExact(bytes.getBufferSize())];
    bytes.readBuffer(0, b, 0, b.length);
    return Pickles.wrap(b, type, secret());
  }

  /** The pickled bytes (base64) of a marker this cluster signed; refuses any other. */
  @HostAccess.Export
  public String unpickled(Value marker) {
    return Pickles.unwrap(PyValues.toJava(marker.getHashValue(Pickles.KEY)), PyValues.toJava(marker.getHashValue("sig")), secret());
  }

  /** Whether a Python-side value is in fact a Java one (left as it is when it crosses). */
  @HostAccess.Export
  public boolean isHostValue(Value v) {
    return v.isHostObject();
  }

  // --- model multiplexing -------------------------------------------------------------------------

  /** The replica's Python code now holds these multiplexed models: its routers hear of it. */
  @HostAccess.Export
  public void modelsLoaded(Value ids) {
    if (replica == null) return;
    java.util.Set<String> set = new java.util.LinkedHashSet<>();
    for (long i = 0; i < ids.getArraySize(); i++) set.add(ids.getArrayElement(i).asString());
    dev.vserve.impl.replica.ModelSets.changed(replica.replicaId(), set);
  }

  // --- task queues ----------------------------------------------------------------------------

  /** The node's task queues, for vserve.serve.task_consumer's adapter. */
  @HostAccess.Export
  public PyTasks tasks() {
    return new PyTasks(node("task queues are reachable").tasks());
  }

  // --- batching --------------------------------------------------------------------------------

  /**
   * A batch queue for one batched method of this replica: vserve's Java collector (flush on size or
   * timeout, order kept, wrong lengths and errors reported per batch); the batch itself runs in Python.
   * {@code name} is the method's, as {@code DeploymentConfig.setBatchOptions} overrides it.
   */
  @HostAccess.Export
  public Object batchQueue(String name, int maxBatchSize, long waitMs, int maxConcurrent, boolean sized, Value run)
      throws ReflectiveOperationException {
    BatchOptions.Settings settings = BatchOptions.resolve(
        new BatchOptions.Settings(maxBatchSize, waitMs, maxConcurrent, sized ? BatchQueue.SizedSum.class : Batch.SizeFunction.Count.class),
        replica == null ? null : replica.config().getBatchOptions().get(name));
    BatchQueue queue = new BatchQueue(name, settings, batch -> {
      List<Object> items = sized ? batch.stream().map(i -> ((BatchQueue.Sized) i).value()).toList() : batch;
      Reply reply = new Reply("batch " + name, PyValues::elements);
      if (!thread.post(() -> runBatch.executeVoid(reply, run, items))) {
        throw new IllegalStateException("the replica stopped");
      }
      return (List<?>) reply.result.get();
    });
    synchronized (batches) {
      batches.add(queue);
    }
    return queue;
  }

  @HostAccess.Export
  public Object submit(Object queue, Value item) {
    return ((BatchQueue) queue).submit(item);
  }

  /** An item whose size Python's {@code batch_size_fn} measured. */
  @HostAccess.Export
  public Object submitSized(Object queue, Value item, int size) {
    return ((BatchQueue) queue).submit(new BatchQueue.Sized(item, size));
  }

  @HostAccess.Export
  public void batchLimits(Object queue, int maxBatchSize, long waitMs) {
    ((BatchQueue) queue).limits(maxBatchSize, waitMs);
  }

  /** The replica stops: waiting batched calls fail, its models release their native memory. */
  void close() {
    synchronized (batches) {
      batches.forEach(BatchQueue::close);
      models.forEach(PyModel::close);
    }
  }

  // --- results ---------------------------------------------------------------------------------

  @HostAccess.Export
  public Object response(int status, Value headers, Value body) {
    return new Response(status, PyValues.toStringMap(headers), (byte[]) PyValues.toJava(body));
  }

  @HostAccess.Export
  public Object streaming(Value items, String mediaType) {
    PyItems stream = new PyItems(thread, items, "stream");
    stream.fill();
    return new StreamingResponse(stream, mediaType);
  }

  /** JSON text (Python encodes it; a Java byte[] would reach Python as signed numbers). */
  @HostAccess.Export
  public String toJson(Value content) {
    return new String(Json.encode(PyValues.toJava(content)), java.nio.charset.StandardCharsets.UTF_8);
  }

  // --- models ----------------------------------------------------------------------------------

  /** Loads weights from {@code path} (relative to the application's directory) onto this replica's device. */
  @HostAccess.Export
  public Object loadModel(String path, String name, String block) throws java.io.IOException {
    // the weights are read by Java, outside the context's file system: the same confinement, checked here
    Path dir = ModelDirs.resolve(appDir, path);
    if (name == null || !name.matches("[A-Za-z0-9_.-]+") || name.contains("..")) {
      throw new IllegalArgumentException("model name must be a plain file-name prefix, got '" + name + "'");
    }
    PyModel model = new PyModel(DjlModel.load(dir, name, ModelBlock.named(block)));
    synchronized (batches) {
      models.add(model);
    }
    return model;
  }
}
