package dev.vserve.python.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vserve.Request;
import dev.vserve.RequestRouter;
import dev.vserve.RequestRouterConfig;
import dev.vserve.impl.Json;
import io.vertx.core.Future;
import org.graalvm.polyglot.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A custom request router written in Python (a {@code RequestRouter} subclass of the application),
 * run for one deployment on one calling node in a sandboxed context of its own. Replicas and the call
 * go in as JSON and the ranked replica ids come out, so no Python object outlives the context; the
 * router's own state (its {@code RunningReplica}s, what {@code initialize_state} set) stays inside.
 */
public final class PythonRequestRouter implements RequestRouter, AutoCloseable {
  /** A decision that takes longer is cancelled; the caller has routed the call elsewhere by then. */
  private static final long CALL_TIMEOUT_MS = 2_000;

  private final ReplicaThread thread;
  private final Value host;
  private final Value choose;
  private final Value routed;

  private PythonRequestRouter(ReplicaThread thread, Value host, Value choose, Value routed) {
    this.thread = thread;
    this.host = host;
    this.choose = choose;
    this.routed = routed;
  }

  public static PythonRequestRouter load(RequestRouterConfig config, String code, String app, String deployment, String nodeId) throws Exception {
    String name = config.routerClass();
    String simple = name.substring(Math.max(name.lastIndexOf(':'), name.lastIndexOf('.')) + 1);
    return SideContext.open("vserve-py-router-" + simple, "request router '" + name + "'", code, (thread, vserve, file) -> {
      Value module = Modules.load(file, null, false);
      Value routers = vserve.getMember("request_router");
      Value host = routers.getMember("_make").execute(module, name, Json.MAPPER.writeValueAsString(config.kwargs()), nodeId, app, deployment);
      return new PythonRequestRouter(thread, host, routers.getMember("_choose_json"), routers.getMember("_routed"));
    });
  }

  @Override
  public Future<List<List<Replica>>> chooseReplicas(List<Replica> candidates, PendingRequest request) {
    String in = input(candidates, request).toString();
    CompletableFuture<String> out = thread.submit(() -> choose.execute(host, in).asString());
    out.orTimeout(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      if (e instanceof java.util.concurrent.TimeoutException) thread.cancelNow();
    });
    return Future.fromCompletionStage(out).map(json -> ranked(json, candidates));
  }

  @Override
  public void onRequestRouted(PendingRequest request, Replica replica) {
    thread.post(() -> routed.execute(host, request.requestId(), replica.id()));
  }

  private static ObjectNode input(List<Replica> candidates, PendingRequest request) {
    ObjectNode in = Json.MAPPER.createObjectNode();
    ArrayNode replicas = in.putArray("replicas");
    for (Replica r : candidates) {
      ObjectNode o = replicas.addObject();
      o.put("id", r.id()).put("node", r.nodeId()).put("q", r.queueLength()).put("max", r.maxOngoingRequests());
      ArrayNode models = o.putArray("models");
      for (String m : r.multiplexedModelIds()) models.add(m);
      o.set("stats", Json.MAPPER.valueToTree(r.routingStats()));
    }
    ObjectNode q = in.putObject("request");
    q.put("id", request.requestId()).put("method", request.method()).put("model", request.multiplexedModelId());
    List<Object> args = request.args();
    if (args.size() == 1 && args.get(0) instanceof Request http) {
      q.putArray("args");
      q.put("route", http.path());
    } else {
      q.set("args", jsonOrNothing(args));
    }
    return in;
  }

  /** The call's arguments as the router sees them: JSON-shaped ones as they are; others leave the list empty. */
  private static JsonNode jsonOrNothing(List<Object> args) {
    try {
      return Json.MAPPER.valueToTree(args);
    } catch (IllegalArgumentException notJson) {
      return Json.MAPPER.createArrayNode();
    }
  }

  private static List<List<Replica>> ranked(String json, List<Replica> candidates) {
    Map<String, Replica> byId = new HashMap<>();
    for (Replica r : candidates) byId.put(r.id(), r);
    List<?> groups = Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.class, "the router's answer");
    List<List<Replica>> out = new ArrayList<>(groups.size());
    for (Object g : groups) {
      List<Replica> group = new ArrayList<>();
      for (Object id : (List<?>) g) {
        Replica r = byId.get(String.valueOf(id));
        if (r == null) throw new IllegalStateException("it answered a replica it was not given: " + id);
        group.add(r);
      }
      out.add(group);
    }
    return out;
  }

  @Override
  public void close() {
    thread.stop();
  }
}
