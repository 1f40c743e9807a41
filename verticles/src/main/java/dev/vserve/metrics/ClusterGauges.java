package dev.vserve.metrics;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * Gauges whose rows come and go with the cluster's shape: calls queued at this node's routers (taken
 * at each scrape), and, on the controller's node, each deployment's replicas by state and its target
 * (set by the controller after each change; other nodes export none, so a cluster-wide query does not
 * count them twice).
 */
public final class ClusterGauges {
  private final MultiGauge queued;
  private final MultiGauge replicas;
  private final MultiGauge targets;
  private final MultiGauge taskDepth;
  private final MultiGauge taskInFlight;

  /** One deployment as the controller sees it. */
  public record DeploymentRow(String app, String deployment, int target, java.util.Map<String, Integer> byState) {}

  /** One task queue as this node last looked at it (every node sees the same queue: aggregate with max). */
  public record TaskQueueRow(String queue, String app, String deployment, int depth, int inFlight) {}

  /** One router of this node. */
  public record RouterRow(String app, String deployment, int queued) {}

  ClusterGauges(MeterRegistry registry) {
    queued = MultiGauge.builder("vserve.router.queued.requests").description("calls waiting at this node's router for a replica")
        .register(registry);
    replicas = MultiGauge.builder("vserve.deployment.replicas").description("replicas of a deployment by state (from the controller)")
        .register(registry);
    targets = MultiGauge.builder("vserve.deployment.target.replicas")
        .description("replicas a deployment should have: num_replicas, or the autoscaler's decision (from the controller)")
        .register(registry);
    taskDepth = MultiGauge.builder("vserve.task.queue.depth").description("tasks waiting in a queue (the cluster's, as this node sees it)")
        .register(registry);
    taskInFlight = MultiGauge.builder("vserve.task.queue.in.flight")
        .description("tasks of a queue running or waiting for a retry (the cluster's, as this node sees it)").register(registry);
  }

  public void taskQueues(List<TaskQueueRow> rows) {
    List<MultiGauge.Row<?>> depth = new ArrayList<>();
    List<MultiGauge.Row<?>> running = new ArrayList<>();
    for (TaskQueueRow r : rows) {
      Tags tags = Tags.of("queue", r.queue(), "application", r.app(), "deployment", r.deployment());
      depth.add(MultiGauge.Row.of(tags, r.depth()));
      running.add(MultiGauge.Row.of(tags, r.inFlight()));
    }
    taskDepth.register(depth, true);
    taskInFlight.register(running, true);
  }

  public void routers(List<RouterRow> rows) {
    List<MultiGauge.Row<?>> out = new ArrayList<>();
    for (RouterRow r : rows) out.add(MultiGauge.Row.of(Tags.of("application", r.app(), "deployment", r.deployment()), r.queued()));
    queued.register(out, true);
  }

  public void deployments(List<DeploymentRow> rows) {
    List<MultiGauge.Row<?>> states = new ArrayList<>();
    List<MultiGauge.Row<?>> wanted = new ArrayList<>();
    for (DeploymentRow d : rows) {
      Tags tags = Tags.of("application", d.app(), "deployment", d.deployment());
      wanted.add(MultiGauge.Row.of(tags, d.target()));
      d.byState().forEach((state, n) -> states.add(MultiGauge.Row.of(tags.and("state", state), n)));
    }
    replicas.register(states, true);
    targets.register(wanted, true);
  }
}
