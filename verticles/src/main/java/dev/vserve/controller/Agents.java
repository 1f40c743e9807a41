package dev.vserve.controller;

import dev.vserve.impl.Json;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.node.NodeAgentVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The controller's side of the node agents' commands: start, stop and list replicas on a node. */
final class Agents {
  /** Starting a replica includes its constructor (model loading); a lost node fails it sooner. */
  private static final long START_TIMEOUT_MS = 600_000;
  private static final long STOP_TIMEOUT_MS = 120_000;
  private static final long LIST_TIMEOUT_MS = 5_000;
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final Vertx vertx;

  Agents(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Object> start(String app, DeploymentPlan plan, ReplicaRecord r) {
    return vertx.eventBus().request(NodeAgentVerticle.address(r.nodeId()), NodeAgentVerticle.Command.start(app, plan, r.id(), r.gpuIds()),
        new DeliveryOptions(CODEC).setSendTimeout(START_TIMEOUT_MS)).map(m -> m.body());
  }

  /** Stops a replica; done also when its node is gone (and the replica with it). */
  Future<Void> stop(ReplicaRecord r) {
    return vertx.eventBus().request(NodeAgentVerticle.address(r.nodeId()), NodeAgentVerticle.Command.stop(r.id()),
            new DeliveryOptions(CODEC).setSendTimeout(STOP_TIMEOUT_MS))
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  /** The replica ids running on a node; empty if it does not answer. */
  Future<Set<String>> list(String nodeId) {
    return vertx.eventBus().request(NodeAgentVerticle.address(nodeId), NodeAgentVerticle.Command.list(),
            new DeliveryOptions(CODEC).setSendTimeout(LIST_TIMEOUT_MS))
        .map(m -> {
          Set<String> ids = new HashSet<>();
          for (Object o : Json.<List<?>>convert(m.body(), List.class)) ids.add(String.valueOf(o));
          return ids;
        })
        .recover(err -> Future.succeededFuture(Set.of()));
  }
}
