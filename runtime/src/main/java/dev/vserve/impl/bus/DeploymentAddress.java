package dev.vserve.impl.bus;

import dev.vserve.BadRequestException;
import dev.vserve.impl.Json;
import dev.vserve.impl.RequestIds;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.router.DeploymentRouter;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The stable event-bus face of a deployment, for code that uses no vserve types:
 * {@code vserve.<app>.<deployment>} takes {@code {"method": "add", "args": [1, 2]}} (method defaults to
 * {@code call}) and answers {@code {"result": ...}}, or fails with the HTTP-like status as failure
 * code (400 bad arguments, 404 no such method or deployment, 500 user error, 503 back pressure, 504
 * timeout) and {@code {"error": type, "message": text}} as message. Calls go through the node's router:
 * routed, admitted and load-balanced exactly like handle calls.
 */
public final class DeploymentAddress {
  private DeploymentAddress() {}

  public static String of(String app, String deployment) {
    return "vserve." + app + "." + deployment;
  }

  public static MessageConsumer<Object> register(Vertx vertx, String app, String deployment, DeploymentRouter router,
                                                 String nodeId, long timeoutMs) {
    return vertx.eventBus().consumer(of(app, deployment), msg -> onMessage(msg, router, nodeId, timeoutMs));
  }

  private static void onMessage(Message<Object> msg, DeploymentRouter router, String nodeId, long timeoutMs) {
    Call call;
    try {
      JsonObject body = msg.body() instanceof JsonObject j ? j : new JsonObject(String.valueOf(msg.body()));
      String method = body.getString("method", "call");
      JsonArray args = body.getJsonArray("args", new JsonArray());
      call = Call.method(RequestIds.next(), method, args.getList().toArray(), System.currentTimeMillis() + timeoutMs, nodeId);
    } catch (RuntimeException e) {
      Failures.fail(msg, new BadRequestException("expected {\"method\": name, \"args\": [...]}: " + e.getMessage()));
      return;
    }
    router.call(call).onComplete(ar -> {
      if (ar.succeeded()) {
        Object value = Json.MAPPER.convertValue(ar.result(), Object.class);
        msg.reply(new JsonObject().put("result", value instanceof Map<?, ?> m ? new JsonObject(castMap(m))
            : value instanceof java.util.List<?> l ? new JsonArray(new java.util.ArrayList<>(l)) : value));
      } else {
        Failures.fail(msg, ar.cause());
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
