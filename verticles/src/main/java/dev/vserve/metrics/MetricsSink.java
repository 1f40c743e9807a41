package dev.vserve.metrics;

import dev.vserve.ReplicaContext;
import dev.vserve.impl.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's side of {@link Telemetry}: handle calls, node-loss retries, batches, model inferences and
 * the users' own metrics, into the registry of the node they happened on. Micrometer caches meters by
 * name and tags; the meters recorded on every call or batch are also kept here by key, so that
 * recording them builds no meter id.
 */
final class MetricsSink implements Telemetry.Sink {
  private static final double[] BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
  /** Handle-call counters by node, application, deployment and method: looked up once per call, built once. */
  private final Map<HandleKey, Counter> handleCalls = new ConcurrentHashMap<>();

  private record HandleKey(String nodeId, String app, String deployment, String method) {}

  /**
   * A batch's and a forward pass's meters by replica and method (or model), found without building a
   * meter id: they are recorded on the model's thread, between its batches, several times a batch.
   */
  private final Map<ReplicaKey, BatchMeters> batches = new ConcurrentHashMap<>();
  private final Map<ReplicaKey, Timer> inferences = new ConcurrentHashMap<>();

  private record ReplicaKey(String nodeId, String replicaId, String name) {}

  private record BatchMeters(DistributionSummary size, Timer oldestWait) {}

  /** Gauges hold their last value here, by meter identity. */
  private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

  private static ServeMetrics node(String nodeId) {
    return nodeId == null ? null : ServeMetrics.BY_NODE.get(nodeId);
  }

  private static Tags where(ReplicaContext r) {
    return Tags.of("application", r.appName(), "deployment", r.deploymentName(), "replica", r.replicaId());
  }

  @Override
  public void handleCall(String nodeId, String app, String deployment, String method) {
    ServeMetrics m = node(nodeId);
    if (m == null) return;
    handleCalls.computeIfAbsent(new HandleKey(nodeId, app, deployment, method), k ->
        Counter.builder("vserve.handle.requests").description("calls made through deployment handles on this node")
            .tags("application", app, "deployment", deployment, "method", method).register(m.registry)).increment();
  }

  @Override
  public void nodeLossCalls(String nodeId, String app, String deployment, int retried, int failed) {
    ServeMetrics m = node(nodeId);
    if (m == null) return;
    for (var e : Map.of("retried", retried, "failed", failed).entrySet()) {
      if (e.getValue() == 0) continue;
      Counter.builder("vserve.router.node.loss.calls").description("calls in flight to a node that left: retried elsewhere or failed")
          .tags("application", app, "deployment", deployment, "outcome", e.getKey()).register(m.registry).increment(e.getValue());
    }
  }

  @Override
  public void batch(ReplicaContext replica, String method, int size, long oldestWaitNanos) {
    ServeMetrics m = node(replica.nodeId());
    if (m == null) return;
    BatchMeters b = batches.computeIfAbsent(new ReplicaKey(replica.nodeId(), replica.replicaId(), method), k -> {
      Tags tags = where(replica).and("method", method);
      return new BatchMeters(DistributionSummary.builder("vserve.batch.size").description("calls per batch a replica ran")
          .tags(tags).serviceLevelObjectives(BATCH_SIZES).register(m.registry),
          Timer.builder("vserve.batch.wait.duration").description("how long a batch's oldest call waited for the batch to run")
              .tags(tags).serviceLevelObjectives(ServeMetrics.BUCKETS).register(m.registry));
    });
    b.size.record(size);
    b.oldestWait.record(oldestWaitNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void inference(ReplicaContext replica, String model, long nanos) {
    ServeMetrics m = node(replica.nodeId());
    if (m == null) return;
    inferences.computeIfAbsent(new ReplicaKey(replica.nodeId(), replica.replicaId(), model), k ->
        Timer.builder("vserve.model.inference.duration").description("one model forward pass (DjlModel.predict), batch included")
            .tags(where(replica).and("model", model)).serviceLevelObjectives(ServeMetrics.BUCKETS).register(m.registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void userMetric(ReplicaContext replica, String kind, String name, String description, List<Double> boundaries,
                         Map<String, String> tags, double value) {
    ServeMetrics m = node(replica.nodeId());
    if (m == null) return;
    Tags tagged = where(replica);
    for (var e : tags.entrySet()) tagged = tagged.and(e.getKey(), e.getValue());
    Tags all = tagged;
    switch (kind) {
      case "counter" -> Counter.builder(name).description(description).tags(all).register(m.registry).increment(value);
      case "gauge" -> {
        AtomicReference<Double> holder = gauges.computeIfAbsent(replica.nodeId() + "|" + name + "|" + all, k -> {
          AtomicReference<Double> h = new AtomicReference<>(0.0);
          Gauge.builder(name, h, AtomicReference::get).description(description).tags(all).register(m.registry);
          return h;
        });
        holder.set(value);
      }
      default -> DistributionSummary.builder(name).description(description).tags(all)
          .serviceLevelObjectives(boundaries.stream().mapToDouble(Double::doubleValue).toArray()).register(m.registry).record(value);
    }
  }

  /** A stopped node's cached meters go with its registry. */
  void forgetNode(String nodeId) {
    handleCalls.keySet().removeIf(k -> k.nodeId().equals(nodeId));
    batches.keySet().removeIf(k -> k.nodeId().equals(nodeId));
    inferences.keySet().removeIf(k -> k.nodeId().equals(nodeId));
    gauges.keySet().removeIf(k -> k.startsWith(nodeId + "|"));
  }

  /** A stopped replica's gauges and cached meters go with its other series. */
  void forgetReplica(String replica) {
    batches.keySet().removeIf(k -> k.replicaId().equals(replica));
    inferences.keySet().removeIf(k -> k.replicaId().equals(replica));
    gauges.keySet().removeIf(k -> k.contains("replica=" + replica));
  }
}
