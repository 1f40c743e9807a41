package dev.vserve.replica;

import dev.vserve.impl.NodeContext;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.replica.ModelSets;
import io.vertx.core.Context;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells every node's routers which multiplexed models this replica holds: at each change, and again
 * every few seconds while it holds some (a router made since, on a node that joined, learns it then).
 */
final class ModelReporter {
  private static final long REPEAT_MS = 3_000;
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(ServeCodec.NAME);

  private final Context context;
  private final String app;
  private final String deployment;
  private final String replicaId;
  private volatile Set<String> models = Set.of();
  private final long timer;

  ModelReporter(Context context, String app, String deployment, String replicaId) {
    this.context = context;
    this.app = app;
    this.deployment = deployment;
    this.replicaId = replicaId;
    ModelSets.listen(replicaId, now -> {
      models = now;
      context.runOnContext(v -> publish());
    });
    timer = context.owner().setPeriodic(REPEAT_MS, t -> {
      if (!models.isEmpty()) publish();
    });
  }

  private void publish() {
    context.owner().eventBus().publish(NodeContext.MODELS,
        Map.of("app", app, "deployment", deployment, "replica", replicaId, "models", List.copyOf(models)), CODEC);
  }

  void stop() {
    ModelSets.forget(replicaId);
    context.owner().cancelTimer(timer);
    if (!models.isEmpty()) {
      models = Set.of();
      publish();
    }
  }
}
