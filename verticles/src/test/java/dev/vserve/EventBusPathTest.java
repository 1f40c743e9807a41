package dev.vserve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.router.ReplicaSetUpdate;
import dev.vserve.testing.Nodes;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Replicas answer on their event-bus address (the path other nodes use; routers in the same JVM
 * take a shortcut), with the controller telling where they are and failures as coded replies.
 */
class EventBusPathTest {
  @Deployment(numReplicas = 2)
  public static class Calc {
    public double half(double x) {
      return x / 2;
    }

    public double broken(double x) {
      throw new UnsupportedOperationException("no " + x);
    }
  }

  static ServeNode node;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    Nodes.deploy(node, Application.bind(Calc.class), "calc", "/calc");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private ReplicaSetUpdate replicas() {
    Object body = node.vertx().eventBus()
        .request(NodeContext.CONTROLLER_REPLICAS, Map.of("app", "calc", "deployment", "Calc"), CODEC).await().body();
    return Json.convert(body, ReplicaSetUpdate.class);
  }

  @Test
  void everyReplicaAnswersOnItsAddress() {
    ReplicaSetUpdate set = replicas();
    assertEquals(2, set.replicas().size());
    assertEquals(5, set.maxOngoingRequests());
    for (var r : set.replicas()) {
      Object v = node.vertx().eventBus().request(r.address(), Call.method("id", "half", new Object[] {9}, 0, "test"), CODEC)
          .await().body();
      assertEquals(4.5, v);
    }
  }

  @Test
  void userErrorsComeBackAsCodedReplies() throws Exception {
    String address = replicas().replicas().get(0).address();
    ReplyException e = assertThrows(ReplyException.class, () -> node.vertx().eventBus()
        .request(address, Call.method("id", "broken", new Object[] {1}, 0, "test"), CODEC).await());
    assertEquals(500, e.failureCode());
    JsonNode body = Json.MAPPER.readTree(e.getMessage());
    assertEquals("UnsupportedOperationException", body.get("error").asText());
    assertEquals("no 1.0", body.get("message").asText());
  }

  @Test
  void unknownDeploymentIs404FromTheController() {
    ReplyException e = assertThrows(ReplyException.class, () -> node.vertx().eventBus()
        .request(NodeContext.CONTROLLER_REPLICAS, Map.of("app", "calc", "deployment", "Nope"), CODEC).await());
    assertEquals(404, e.failureCode());
  }
}
