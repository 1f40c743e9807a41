package dev.vserve.node;

import dev.vserve.BadRequestException;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.cluster.NodeInfo;
import dev.vserve.replica.ReplicaVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's hands on one node: starts and stops the replicas placed here, and advertises the
 * node's resources in the cluster map {@link #NODES_MAP}. State is confined to its event loop.
 */
public final class NodeAgentVerticle extends VerticleBase {
  /** Node id → {@link NodeInfo} (JSON) of every node that runs an agent. */
  public static final String NODES_MAP = "vserve.nodes";
  /** Published with a node's {@link NodeInfo} when its agent is up, so the controller can place onto it. */
  public static final String JOINED = "vserve.node.joined";
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  /** What the controller asks of an agent. */
  public record Command(String op, String app, DeploymentPlan plan, String replicaId, List<Integer> gpuIds) {
    public static Command start(String app, DeploymentPlan plan, String replicaId, List<Integer> gpuIds) {
      return new Command("start", app, plan, replicaId, gpuIds);
    }

    public static Command stop(String replicaId) {
      return new Command("stop", null, null, replicaId, null);
    }

    public static Command list() {
      return new Command("list", null, null, null, null);
    }
  }

  private final NodeContext node;
  private final NodeInfo info;
  /** Replica id → verticle deployment id. */
  private final Map<String, String> replicas = new LinkedHashMap<>();
  private MessageConsumer<Object> consumer;
  private LoadReporter reporter;

  public NodeAgentVerticle(NodeContext node, NodeInfo info) {
    this.node = node;
    this.info = info;
  }

  public static String address(String nodeId) {
    return "vserve.agent." + nodeId;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(address(info.nodeId()), this::onCommand);
    reporter = new LoadReporter(vertx, context, node);
    reporter.start();
    return consumer.completion()
        .compose(v -> vertx.sharedData().<String, String>getAsyncMap(NODES_MAP))
        .compose(m -> m.put(info.nodeId(), Json.MAPPER.valueToTree(info).toString()))
        .onSuccess(v -> vertx.eventBus().publish(JOINED, info, CODEC));
  }

  private void onCommand(Message<Object> m) {
    Command c;
    try {
      c = Json.convert(m.body(), Command.class);
    } catch (RuntimeException e) {
      Failures.fail(m, new BadRequestException("not an agent command: " + e.getMessage()));
      return;
    }
    switch (c.op()) {
      case "start" -> {
        ReplicaVerticle v = new ReplicaVerticle(node, c.app(), c.plan(), c.replicaId(), c.gpuIds() == null ? List.of() : c.gpuIds());
        vertx.deployVerticle(v).onComplete(ar -> {
          if (ar.succeeded()) {
            replicas.put(c.replicaId(), ar.result());
            m.reply(c.replicaId(), CODEC);
          } else {
            Failures.fail(m, ar.cause());
          }
        });
      }
      case "stop" -> {
        String id = replicas.remove(c.replicaId());
        Future<Void> stopped = id == null ? Future.succeededFuture() : VerticleDeployments.undeployIfPresent(vertx, id);
        stopped.onComplete(ar -> m.reply(c.replicaId(), CODEC));
      }
      case "list" -> m.reply(new ArrayList<>(replicas.keySet()), CODEC);
      default -> Failures.fail(m, new BadRequestException("unknown agent command " + c.op()));
    }
  }

  /** Drains and stops this node's replicas (callers' routers send new calls elsewhere), then leaves the map. */
  @Override
  public Future<?> stop() {
    reporter.stop();
    List<Future<Void>> stops = new ArrayList<>();
    for (String id : replicas.values()) stops.add(VerticleDeployments.undeployIfPresent(vertx, id));
    replicas.clear();
    return Future.join(stops)
        .transform(x -> vertx.sharedData().<String, String>getAsyncMap(NODES_MAP))
        .compose(m -> m.remove(info.nodeId()))
        .recover(err -> Future.succeededFuture())
        .mapEmpty();
  }
}
