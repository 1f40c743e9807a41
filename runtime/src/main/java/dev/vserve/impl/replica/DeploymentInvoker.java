package dev.vserve.impl.replica;

import dev.vserve.Batch;
import dev.vserve.BatchOptions;
import dev.vserve.ReplicaContext;
import dev.vserve.HttpException;
import dev.vserve.Request;
import dev.vserve.impl.batch.BatchQueue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One instance of a deployment class and the way calls reach it: by method name with arguments
 * coerced to the parameter types, or as HTTP through {@link HttpIngress}. Runs on worker or virtual
 * threads only; nothing here touches the network.
 */
public final class DeploymentInvoker implements dev.vserve.spi.ReplicaCode {
  private final Object instance;
  private final Map<String, List<Method>> methods;
  private final HttpIngress http;
  private final Map<Method, dev.vserve.impl.batch.ModelBatches> batches = new HashMap<>();
  /** Methods that run on an event loop: returning a future (unless {@code @Blocking}), or {@code @NonBlocking}. */
  private final java.util.Set<Method> nonBlocking = new java.util.HashSet<>();

  private DeploymentInvoker(Object instance) throws ReflectiveOperationException {
    this.instance = instance;
    this.methods = publicMethods(instance.getClass());
    this.http = HttpIngress.of(instance.getClass());
    for (List<Method> ms : methods.values()) {
      for (Method m : ms) {
        if (runsOnEventLoop(m)) nonBlocking.add(m);
        Batch spec = m.getAnnotation(Batch.class);
        if (spec == null) continue;
        BatchSignature.check(m);
        ReplicaContext ctx = ReplicaContext.current();
        BatchOptions overrides = ctx == null ? null : ctx.config().getBatchOptions().get(m.getName());
        BatchOptions.Settings settings = BatchOptions.resolve(spec, overrides);
        String name = instance.getClass().getSimpleName() + "." + m.getName();
        BatchQueue.BatchFunction run = items -> (List<?>) Reflection.settle(invokeRaw(m, new Object[] {items}));
        batches.put(m, new dev.vserve.impl.batch.ModelBatches(model -> {
          try {
            // a model's queue may be made on an event loop (its first call's), which works for no replica
            return new BatchQueue(model.isEmpty() ? name : name + "[" + model + "]", ctx, settings,
                dev.vserve.impl.batch.ModelBatches.runAs(model, run));
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }));
      }
    }
  }


  /** A public {@code checkHealth()} without parameters, Ray's {@code check_health}. */
  private Method healthCheck() {
    for (Method m : methods.getOrDefault("checkHealth", List.of())) if (m.getParameterCount() == 0) return m;
    return null;
  }

  @Override
  public boolean hasHealthCheck() {
    return healthCheck() != null;
  }

  @Override
  public void checkHealth() throws Throwable {
    Method m = healthCheck();
    if (m != null) Reflection.settle(invokeRaw(m, new Object[0]));
  }

  @Override
  public java.util.Map<String, Double> autoscalingStats() {
    return instance instanceof dev.vserve.AutoscalingStats s ? s.recordAutoscalingStats() : null;
  }

  @Override
  public java.util.Map<String, Object> routingStats() {
    return instance instanceof dev.vserve.RoutingStats s ? s.recordRoutingStats() : null;
  }

  /** Stops the batch collectors (waiting batched calls fail) and closes an {@code AutoCloseable} instance. */
  @Override
  public void close() {
    batches.values().forEach(dev.vserve.impl.batch.ModelBatches::close);
    if (instance instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        System.getLogger(DeploymentInvoker.class.getName()).log(System.Logger.Level.WARNING,
            "closing " + instance.getClass().getSimpleName() + " failed", e);
      }
    }
  }

  /**
   * Constructs the user object. {@code resolveArg} turns placeholders (bound deployments) into the
   * values the constructor receives (handles).
   */
  public static DeploymentInvoker create(Class<?> type, Object[] initArgs, Function<Object, Object> resolveArg)
      throws Throwable {
    Object[] args = new Object[initArgs.length];
    for (int i = 0; i < args.length; i++) args[i] = resolveArg.apply(initArgs[i]);
    Constructor<?> ctor = null;
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (Reflection.accepts(c, args.length) && (ctor == null || !c.isVarArgs())) ctor = c;
    }
    if (ctor == null) {
      throw new IllegalArgumentException("deployment class " + type.getName() + " has no constructor taking "
          + args.length + " argument(s)");
    }
    ctor.setAccessible(true);
    try {
      return new DeploymentInvoker(ctor.newInstance(Reflection.coerce(ctor, args)));
    } catch (Throwable t) {
      throw Reflection.unwrap(t);
    }
  }

  /**
   * A call to a batched method only joins its batch (which runs on the queue's own threads), so it
   * runs on the event loop too, as Ray's {@code @serve.batch} methods are async — unless its items are
   * streams, which are produced on the caller's thread.
   */
  static boolean runsOnEventLoop(Method m) {
    if (m.isAnnotationPresent(dev.vserve.NonBlocking.class)) return true;
    if (m.isAnnotationPresent(dev.vserve.Blocking.class)) return false;
    if (m.isAnnotationPresent(Batch.class)) return !BatchSignature.yieldsStreams(m);
    Class<?> r = m.getReturnType();
    return io.vertx.core.Future.class.isAssignableFrom(r) || java.util.concurrent.CompletionStage.class.isAssignableFrom(r);
  }

  @Override
  public boolean isNonBlocking(dev.vserve.spi.ReplicaCall call) {
    if (nonBlocking.isEmpty()) return false;
    try {
      if (call.isHttp()) {
        Method target = http.target((Request) call.args()[0]);
        return target != null && nonBlocking.contains(target);
      }
      return nonBlocking.contains(resolve(call.method(), call.args() == null ? 0 : call.args().length));
    } catch (RuntimeException e) {
      return false;  // the blocking path reports it
    }
  }

  @Override
  public io.vertx.core.Future<Object> invokeNonBlocking(dev.vserve.spi.ReplicaCall call) {
    if (nonBlocking.isEmpty()) return null;
    try {
      if (call.isHttp()) {
        // callers ask isNonBlocking first: one match and bind here (a blocking method still answers null)
        HttpIngress.Bound b = http.bind((Request) call.args()[0]);
        if (!nonBlocking.contains(b.method())) return null;
        return startBound(b.method(), b.args(), call).map(v -> HttpIngress.encode(v, b.route()));
      }
      Object[] args = call.args() == null ? new Object[0] : call.args();
      Method m = resolve(call.method(), args.length);
      if (!nonBlocking.contains(m)) return null;
      return startBound(m, bind(m, args), call);
    } catch (Throwable t) {
      return io.vertx.core.Future.failedFuture(t);
    }
  }

  /** Any call, with its multiplexed model as the current one while it runs (see {@link dev.vserve.MultiplexedModels}). */
  @Override
  public Object invoke(dev.vserve.spi.ReplicaCall call) throws Throwable {
    CurrentModel.enter(call.multiplexedModelId());
    try {
      return dev.vserve.spi.ReplicaCode.super.invoke(call);
    } finally {
      CurrentModel.exit();
    }
  }

  /** The request through the class's routes or its {@code call(Request)}; the result encoded as HTTP. */
  @Override
  public Object handleRequest(Request request, dev.vserve.spi.ReplicaCall call) throws Throwable {
    return http.handle(this::callBound, request);
  }

  /** Runs one method call to completion (awaiting a returned future) and returns its value. */
  @Override
  public Object call(String method, Object[] args, dev.vserve.spi.ReplicaCall call) throws Throwable {
    Method m = resolve(method, args.length);
    return callBound(m, bind(m, args));
  }

  /** Arguments coerced to {@code m}'s parameter types; for a batched method, its one caller's item. */
  private Object[] bind(Method m, Object[] args) {
    if (batches.containsKey(m)) return new Object[] {Reflection.coerceTo(args[0], BatchSignature.itemType(m), m)};
    return Reflection.coerce(m, args);
  }

  /**
   * Starts {@code m} on the event loop: a batched call joins its batch, and its answer comes back on
   * this event loop (not on the batch's thread, which goes on to the next batch).
   */
  private io.vertx.core.Future<Object> startBound(Method m, Object[] args, dev.vserve.spi.ReplicaCall call) throws Throwable {
    var queues = batches.get(m);
    if (queues == null) return Reflection.future(invokeRaw(m, args));
    BatchQueue queue = queues.of(call.multiplexedModelId());
    io.vertx.core.Context here = io.vertx.core.Vertx.currentContext();
    if (here == null) return io.vertx.core.Future.fromCompletionStage(queue.submit(args[0]));
    return io.vertx.core.Future.fromCompletionStage(queue.submit(args[0], answerOn(here)), here);
  }

  private static final String ANSWER_ON = "vserve.batch.answerOn";

  /**
   * One executor per event-loop context (kept in it; a request's duplicated context shares it), so a
   * batch completes its calls of one event loop in one task.
   */
  private static java.util.concurrent.Executor answerOn(io.vertx.core.Context here) {
    io.vertx.core.internal.ContextInternal root = ((io.vertx.core.internal.ContextInternal) here).unwrap();
    java.util.concurrent.Executor e = root.get(ANSWER_ON);
    if (e == null) {
      e = task -> root.runOnContext(v -> task.run());
      root.put(ANSWER_ON, e);
    }
    return e;
  }

  /** Calls {@code m} with arguments already of its parameter types (of the item type, if batched). */
  Object callBound(Method m, Object[] args) throws Throwable {
    var queues = batches.get(m);
    if (queues != null) return Reflection.settle(queues.current().submit(args[0]));
    return Reflection.settle(invokeRaw(m, args));
  }

  private Object invokeRaw(Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(instance, args);
    } catch (Throwable t) {
      throw Reflection.unwrap(t);
    }
  }

  private Method resolve(String name, int argCount) {
    List<Method> candidates = methods.get(name);
    if (candidates == null) {
      throw new HttpException(404, "deployment class " + instance.getClass().getSimpleName() + " has no public method '"
          + name + "'");
    }
    Method varargs = null;
    for (Method m : candidates) {
      if (!m.isVarArgs() && m.getParameterCount() == argCount) return m;
      if (m.isVarArgs() && Reflection.accepts(m, argCount)) varargs = m;
    }
    if (varargs != null) return varargs;
    throw new HttpException(400, "method '" + name + "' of " + instance.getClass().getSimpleName()
        + " does not take " + argCount + " argument(s)");
  }

  private static Map<String, List<Method>> publicMethods(Class<?> type) {
    Map<String, List<Method>> byName = new HashMap<>();
    for (Method m : type.getMethods()) {
      if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers())) continue;
      m.setAccessible(true);
      byName.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(m);
    }
    return byName;
  }
}
