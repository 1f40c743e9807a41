package dev.vserve.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.BadRequestException;
import dev.vserve.ServeOptions;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.call.Failures;
import dev.vserve.tasks.TaskResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * The task queues over HTTP, under {@code /-/}: submit a task ({@code 202} with its id at once), poll
 * it (or wait for it up to a timeout), and read a queue's depth and waiting tasks (dead letters too).
 * Requeueing dead letters changes the cluster: it is on the admin API, behind its token.
 */
final class TaskEndpoints {
  /** The longest a status request waits for a task to finish ({@code ?timeout_s=}). */
  static final double MAX_WAIT_S = 60;

  private TaskEndpoints() {}

  static void mount(Router router, NodeContext node, ServeOptions options) {
    router.post("/-/tasks/:queue").handler(rc -> Bodies.read(rc, options.getMaxRequestBodyBytes(),
        body -> submit(node, rc, body)));
    router.get("/-/tasks/:id").handler(rc -> {
      double wait;
      try {
        wait = seconds(rc.queryParams().get("timeout_s"));
      } catch (BadRequestException e) {
        fail(rc, e);
        return;
      }
      String id = rc.pathParam("id");
      Future<TaskResult> f = wait > 0 ? node.tasks().await(id, (long) (wait * 1000)) : node.tasks().status(id);
      f.onSuccess(t -> json(rc, 200, t.toMap())).onFailure(e -> fail(rc, e));
    });
    router.get("/-/queues/:queue").handler(rc -> node.tasks().queue(rc.pathParam("queue"))
        .onSuccess(q -> json(rc, 200, Map.of("queue", q.queue(), "depth", q.depth(),
            "consumer", q.deployment() == null ? Map.of() : Map.of("app", q.app(), "deployment", q.deployment()))))
        .onFailure(e -> fail(rc, e)));
    router.get("/-/queues/:queue/tasks").handler(rc -> {
      int limit;
      try {
        limit = rc.queryParams().get("limit") == null ? 100 : Integer.parseInt(rc.queryParams().get("limit"));
      } catch (NumberFormatException e) {
        fail(rc, new BadRequestException("limit must be a whole number, got '" + rc.queryParams().get("limit") + "'"));
        return;
      }
      node.tasks().list(rc.pathParam("queue"), Math.min(limit, 10_000))
          .onSuccess(l -> json(rc, 200, Map.of("queue", rc.pathParam("queue"), "tasks", l.stream().map(TaskResult::toMap).toList())))
          .onFailure(e -> fail(rc, e));
    });
  }

  /** {@code {"task_name": ..., "args": [...], "kwargs": {...}}}: Ray's {@code enqueue_task} in JSON. */
  @SuppressWarnings("unchecked")
  private static void submit(NodeContext node, RoutingContext rc, Buffer body) {
    String taskName;
    List<Object> args;
    Map<String, Object> kwargs;
    try {
      JsonNode n = Json.read(Bodies.bytes(body), JsonNode.class, "task");
      if (!n.isObject()) throw new BadRequestException("the body must be a JSON object {\"task_name\": ..., \"args\": [...], \"kwargs\": {...}}");
      JsonNode name = n.get("task_name");
      if (name == null || !name.isTextual()) throw new BadRequestException("\"task_name\" (a string) is required: the task handler to run");
      JsonNode a = n.get("args");
      JsonNode k = n.get("kwargs");
      if (a != null && !a.isNull() && !a.isArray()) throw new BadRequestException("\"args\" must be a JSON array");
      if (k != null && !k.isNull() && !k.isObject()) throw new BadRequestException("\"kwargs\" must be a JSON object");
      for (var it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("task_name") && !f.equals("args") && !f.equals("kwargs")) {
          throw new BadRequestException("unknown field \"" + f + "\" (a task is task_name, args, kwargs)");
        }
      }
      taskName = name.asText();
      args = a == null || a.isNull() ? List.of() : Json.convert(a, List.class);
      kwargs = k == null || k.isNull() ? Map.of() : Json.convert(k, Map.class);
    } catch (RuntimeException e) {
      fail(rc, e);
      return;
    }
    node.tasks().enqueue(rc.pathParam("queue"), taskName, args, kwargs).onSuccess(t -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>(t.toMap());
      m.put("task_id", t.id());
      rc.response().putHeader("location", "/-/tasks/" + t.id());
      json(rc, 202, m);
    }).onFailure(e -> fail(rc, e));
  }

  private static double seconds(String v) {
    if (v == null) return 0;
    try {
      double s = Double.parseDouble(v);
      if (!(s >= 0)) throw new NumberFormatException();
      return Math.min(s, MAX_WAIT_S);
    } catch (NumberFormatException e) {
      throw new BadRequestException("timeout_s must be a number of seconds >= 0, got '" + v + "'");
    }
  }

  private static void json(RoutingContext rc, int status, Object body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(Buffer.buffer(Json.encode(body)));
  }

  private static void fail(RoutingContext rc, Throwable t) {
    var e = Failures.toServeException(t);
    ProxyVerticle.writeError(rc.response(), ProxyVerticle.requestId(rc.request()), e.status(), e.errorType(), String.valueOf(e.getMessage()));
  }
}
