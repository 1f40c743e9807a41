package dev.vserve.impl.call;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.BackPressureException;
import dev.vserve.BadRequestException;
import dev.vserve.DeploymentException;
import dev.vserve.HttpException;
import dev.vserve.ServeException;
import dev.vserve.impl.Json;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.Map;

/**
 * How failures cross the event bus: a {@link ReplyException} whose failure code is the HTTP status
 * and whose message is {@code {"error": type, "message": text}}. Plain verticles read the same
 * contract, and it survives serialization across nodes.
 */
public final class Failures {
  /** A replica at {@code maxOngoingRequests} refuses with this code; the router tries again. */
  public static final int REJECTED = 429;

  private Failures() {}

  public static ReplyException toReply(Throwable t) {
    ServeException se = toServeException(t);
    String body = new String(Json.encode(Map.of("error", se.errorType(), "message", String.valueOf(se.getMessage()))),
        java.nio.charset.StandardCharsets.UTF_8);
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, se.status(), body);
  }

  /** Answers {@code m} with {@code t} in this contract. */
  public static void fail(Message<?> m, Throwable t) {
    ReplyException r = t instanceof ReplyException re && re.failureCode() == REJECTED ? re : toReply(t);
    m.fail(r.failureCode(), r.getMessage());
  }

  public static ReplyException rejected(String replicaId) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, REJECTED, "{\"error\":\"ReplicaBusy\",\"message\":\"replica "
        + replicaId + " is at maxOngoingRequests\"}");
  }

  /** Any failure as a {@link ServeException}: user errors keep their type name and message. */
  public static ServeException toServeException(Throwable t) {
    // a future's wrapper says nothing of its own: what failed is its cause (a batch's error, say)
    while ((t instanceof java.util.concurrent.ExecutionException || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ServeException se) return se;
    if (t instanceof ReplyException re) return fromReply(re);
    if (t instanceof java.util.concurrent.TimeoutException) {
      return new ServeException(504, "Timeout", "no answer from the replica in time: " + t.getMessage());
    }
    String msg = t.getMessage() == null ? t.toString() : t.getMessage();
    return new DeploymentException(t.getClass().getSimpleName(), msg);
  }

  private static ServeException fromReply(ReplyException re) {
    if (re.failureType() == ReplyFailure.TIMEOUT) {
      return new ServeException(504, "Timeout", "no answer from the replica in time: " + re.getMessage());
    }
    if (re.failureType() == ReplyFailure.NO_HANDLERS) {
      return new ServeException(503, "ReplicaUnavailable", "the replica is gone: " + re.getMessage());
    }
    String type = "DeploymentError";
    String message = re.getMessage();
    try {
      JsonNode n = Json.MAPPER.readTree(re.getMessage());
      if (n != null && n.isObject()) {
        type = n.path("error").asText(type);
        message = n.path("message").asText(message);
      }
    } catch (Exception notJson) {
      // a plain-text failure from elsewhere: keep it as the message
    }
    return switch (re.failureCode()) {
      case 400 -> new BadRequestException(message);
      case 503 -> type.equals("BackPressureError") ? new BackPressureException(message) : new ServeException(503, type, message);
      case 500 -> new DeploymentException(type, message);
      default -> re.failureCode() >= 400 && re.failureCode() < 600
          ? (type.equals("HTTPException") ? new HttpException(re.failureCode(), message) : new ServeException(re.failureCode(), type, message))
          : new DeploymentException(type, message);
    };
  }
}
