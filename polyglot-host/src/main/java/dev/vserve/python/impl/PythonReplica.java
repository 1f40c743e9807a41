package dev.vserve.python.impl;

import dev.vserve.ReplicaContext;
import dev.vserve.Request;
import dev.vserve.impl.http.RouteMatcher;
import dev.vserve.spi.ReplicaCode;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * One replica of a Python deployment: its own GraalPy context on the shared engine, its own thread
 * ({@link ReplicaThread}), the user's file read again and the deployment's class constructed there.
 * Calls arrive on the replica verticle's virtual threads and wait while Python runs them; an
 * {@code async def} handler that awaits lets the next call start, so one replica's coroutines
 * interleave.
 */
public final class PythonReplica implements ReplicaCode {
  private final ReplicaThread thread;
  private final HostBridge host;
  private final Value callFn;
  private final Value requestFn;
  private final RouteMatcher<Integer> routes;
  private final boolean healthCheck;
  private final boolean stats;
  private final boolean routingStats;
  private final String name;

  private PythonReplica(ReplicaThread thread, HostBridge host, Entries entries, String name) {
    this.thread = thread;
    this.host = host;
    this.callFn = entries.call;
    this.requestFn = entries.request;
    this.routes = entries.routes;
    this.healthCheck = entries.healthCheck;
    this.stats = entries.stats;
    this.routingStats = entries.routingStats;
    this.name = name;
  }

  /** The driver's two entry points, and the ingress's routes (null: its __call__ takes every request). */
  private record Entries(Value call, Value request, RouteMatcher<Integer> routes, boolean healthCheck, boolean stats,
                         boolean routingStats) {}

  /** Python's FastAPI-style routes, compiled by the same matcher as Java's (read on the Python thread). */
  private static RouteMatcher<Integer> routes(Value table) {
    if (table.isNull()) return null;
    List<RouteMatcher.Route<Integer>> routes = new ArrayList<>();
    for (int i = 0; i < table.getArraySize(); i++) {
      Value r = table.getArrayElement(i);
      routes.add(new RouteMatcher.Route<>(r.getArrayElement(0).asString(), r.getArrayElement(1).asString(), i));
    }
    return RouteMatcher.of(routes);
  }

  /** A code reference {@code python:<file>:<qualified name>}. */
  public record Code(Path file, String qualname) {
    public static final String PREFIX = "python:";

    public static Code parse(String code) {
      String rest = code.substring(PREFIX.length());
      int colon = rest.lastIndexOf(':');
      return new Code(Path.of(rest.substring(0, colon)), rest.substring(colon + 1));
    }

    @Override
    public String toString() {
      return PREFIX + file + ":" + qualname;
    }
  }

  public static PythonReplica start(dev.vserve.spi.ReplicaSpec plan, Function<Object, Object> resolveArg) throws Throwable {
    Code code = Code.parse(plan.code());
    Path dir = code.file().toAbsolutePath().getParent();
    ReplicaContext replica = ReplicaContext.current();
    String id = replica == null ? plan.name() : replica.replicaId();
    ReplicaThread spare = SpareContexts.take(dir, "vserve-py-" + id);
    try {
      return start(plan, resolveArg, code, id, replica, spare);
    } finally {
      SpareContexts.started(dir);
    }
  }

  private static PythonReplica start(dev.vserve.spi.ReplicaSpec plan, Function<Object, Object> resolveArg, Code code, String id,
                                     ReplicaContext replica, ReplicaThread spare) throws Throwable {
    long t0 = System.nanoTime();
    Path dir = code.file().toAbsolutePath().getParent();
    ReplicaThread thread = spare != null ? spare : ReplicaThread.start("vserve-py-" + id, dir);
    HostBridge host = new HostBridge(thread, resolveArg, dir, replica);
    Object[] args = Arrays.stream(plan.initArgs()).map(resolveArg).toArray();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    plan.initKwargs().forEach((k, v) -> kwargs.put(k, resolveArg.apply(v)));
    CompletableFuture<Entries> ready = thread.submit(() -> {
      Value vserve = spare != null ? SpareContexts.adopt(host) : PythonEngine.install(Context.getCurrent(), host, false);
      host.runBatch = vserve.getMember("_run_batch");
      Value target = Modules.load(code.file(), code.qualname(), false);
      Value constructed = vserve.getMember("_start").execute(code.file().toString(), target, Arrays.asList(args), kwargs);
      if (!constructed.getArrayElement(0).asBoolean()) throw new IllegalArgumentException(constructed.getArrayElement(1).asString());
      // read on the Python thread, which owns the context
      Value defines = vserve.getMember("_defines").execute();
      return new Entries(vserve.getMember("_call"), vserve.getMember("_handle_request"), routes(vserve.getMember("_routes").execute()),
          defines.getArrayElement(0).asBoolean(), defines.getArrayElement(1).asBoolean(), defines.getArrayElement(2).asBoolean());
    });
    try {
      Entries entries = ready.get();
      PythonEngine.log("Python replica " + id + " of " + plan.name() + " started in " + (System.nanoTime() - t0) / 1_000_000 + " ms"
          + (spare != null ? " (in a context made ahead)" : ""));
      return new PythonReplica(thread, host, entries, plan.name());
    } catch (ExecutionException e) {
      thread.stop();
      Throwable cause = e.getCause();
      if (cause instanceof PolyglotException pe) throw new IllegalArgumentException(code.file() + ": " + pe.getMessage(), pe);
      throw cause;
    }
  }

  /**
   * Python's {@code _handle_request}: the route is matched here, before the request queues for the
   * replica's one Python thread (a 404 or 405 never reaches Python); no routes: its {@code __call__}.
   */
  @Override
  public Object handleRequest(Request request, dev.vserve.spi.ReplicaCall call) throws Throwable {
    RouteMatcher.Match<Integer> route = routes == null ? null : routes.match(request.method(), request.routePath());
    PyRequest py = new PyRequest(request, route == null ? Map.of() : route.pathParams());
    py.prefetch();
    return run(new Reply(name + " (HTTP)"), requestFn, py, route == null ? -1 : route.target(), call.multiplexedModelId());
  }

  /** Python's {@code _call}: a method by name, keyword arguments in a marked last argument. */
  @Override
  public Object call(String method, Object[] args, dev.vserve.spi.ReplicaCall call) throws Throwable {
    return run(new Reply(name + "." + method), callFn, method, Arrays.asList(args), call.multiplexedModelId());
  }

  @Override
  public boolean hasHealthCheck() {
    return healthCheck;
  }

  /** The deployment's {@code check_health} (plain or {@code async def}), as a call; it raises when unwell. */
  @Override
  public void checkHealth() throws Throwable {
    if (healthCheck) run(new Reply(name + ".check_health"), callFn, "check_health", List.of(), null);
  }

  /** The deployment's {@code record_autoscaling_stats()}: a dict of names to numbers. */
  @Override
  public Map<String, Double> autoscalingStats() throws Throwable {
    if (!stats) return null;
    Map<String, Double> figures = new LinkedHashMap<>();
    dict("record_autoscaling_stats").forEach((k, v) -> {
      if (!(v instanceof Number n)) throw new IllegalArgumentException("record_autoscaling_stats(): '" + k + "' is not a number: " + v);
      figures.put(k, n.doubleValue());
    });
    return figures;
  }

  /** The deployment's {@code record_routing_stats()}: a dict of JSON-shaped values. */
  @Override
  public Map<String, Object> routingStats() throws Throwable {
    return routingStats ? dict("record_routing_stats") : null;
  }

  /** What one of Ray's no-argument report methods answers: a dict, by string keys. */
  private Map<String, Object> dict(String method) throws Throwable {
    Object out = run(new Reply(name + "." + method), callFn, method, List.of(), null);
    if (!(out instanceof Map<?, ?> m)) throw new IllegalArgumentException(method + "() must return a dict, got " + out);
    Map<String, Object> values = new LinkedHashMap<>();
    m.forEach((k, v) -> values.put(String.valueOf(k), v));
    return values;
  }

  /** Runs an entry point on the replica's Python thread and waits for what it settles. */
  private Object run(Reply reply, Value entry, Object... args) throws Throwable {
    Object[] all = new Object[args.length + 1];
    all[0] = reply;
    System.arraycopy(args, 0, all, 1, args.length);
    // the call's trace continues in the handle calls its Python code makes
    Runnable step = io.opentelemetry.context.Context.current().wrap(() -> HostBridge.guarded(reply, () -> entry.executeVoid(all)));
    if (!thread.post(step)) {
      throw new IllegalStateException("replica of " + name + " is stopped");
    }
    return reply.outcome();
  }

  /** Python runs one step at a time on the replica's one thread; a step that never ends blocks every call. */
  @Override
  public long uninterruptibleNanos() {
    return thread.busyNanos();
  }

  @Override
  public long stepAllocatedBytes() {
    return thread.stepAllocatedBytes();
  }

  @Override
  public void cancel() {
    thread.cancelNow();
  }

  @Override
  public void close() {
    host.close();
    thread.stop();
  }
}
