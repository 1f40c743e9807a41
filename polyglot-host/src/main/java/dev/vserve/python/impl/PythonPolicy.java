package dev.vserve.python.impl;

import dev.vserve.AutoscalingContext;
import dev.vserve.AutoscalingPolicy;
import dev.vserve.impl.Json;
import org.graalvm.polyglot.Value;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A custom autoscaling policy written in Python: a function of the application's file, run by the
 * controller in a sandboxed context of its own (the file read again, as a replica reads it). The
 * context goes in and the decision comes out as JSON, so no Python object outlives a call.
 */
public final class PythonPolicy implements AutoscalingPolicy, AutoscalingPolicy.ForApplication, AutoCloseable {
  /** A policy that takes longer than this counts as failed for the tick. */
  private static final long CALL_TIMEOUT_MS = 5_000;

  private final ReplicaThread thread;
  private final Value fn;
  private final Value call;
  private final Value callApp;

  private PythonPolicy(ReplicaThread thread, Value fn, Value call, Value callApp) {
    this.thread = thread;
    this.fn = fn;
    this.call = call;
    this.callApp = callApp;
  }

  /** Loads {@code name} (a function name; "module:function" and "module.function" name it too) from the app's file. */
  public static PythonPolicy load(String name, String code) throws Exception {
    String function = name.contains(":") ? name.substring(name.lastIndexOf(':') + 1)
        : name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
    return SideContext.open("vserve-py-policy-" + function, "autoscaling policy '" + name + "'", code, (thread, vserve, file) -> {
      Value fn = Modules.load(file, function, false);
      if (!fn.canExecute()) throw new IllegalArgumentException("autoscaling policy '" + function + "' of " + file + " is not a function");
      Value module = vserve.getMember("autoscaling");
      return new PythonPolicy(thread, fn, module.getMember("_call_policy_json"), module.getMember("_call_app_policy_json"));
    });
  }

  @Override
  public Decision decide(AutoscalingContext context) {
    List<?> out = Json.read(utf8(run(call, Json.MAPPER.valueToTree(context).toString())), List.class, "the policy's answer");
    return decision(out);
  }

  @Override
  public Map<String, Decision> decide(Map<String, AutoscalingContext> contexts) {
    Map<String, Object> in = new LinkedHashMap<>(contexts);
    Map<?, ?> out = Json.read(utf8(run(callApp, Json.MAPPER.valueToTree(in).toString())), Map.class, "the policy's answer");
    Map<String, Decision> decisions = new LinkedHashMap<>();
    out.forEach((k, v) -> decisions.put(String.valueOf(k), decision((List<?>) v)));
    return decisions;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static Decision decision(List<?> pair) {
    if (!(pair.get(0) instanceof Number n)) throw new IllegalArgumentException("the policy returned " + pair.get(0) + ", not a number of replicas");
    return new Decision(n.doubleValue(), pair.get(1) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
  }

  /** Runs the policy on its thread; an exception in Python comes out as one here. */
  private String run(Value entry, String json) {
    CompletableFuture<String> out = thread.submit(() -> entry.execute(fn, json).asString());
    try {
      return out.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      thread.cancelNow();
      throw new IllegalStateException("the policy did not answer within " + CALL_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  @Override
  public void close() {
    thread.stop();
  }
}
