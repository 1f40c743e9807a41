package dev.vserve.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One node's metrics (Micrometer, Prometheus registry), served at {@code GET /-/metrics}: HTTP
 * requests and latency per application, deployment, method and status at the proxy; calls, errors and
 * processing time per replica; ongoing requests per replica; the JVM. One registry per Vert.x
 * instance (a node), found from anywhere on that node; meters are cached so that recording one request
 * is a map lookup and two atomic updates.
 */
public final class ServeMetrics {
  private static final Map<Vertx, ServeMetrics> NODES = new ConcurrentHashMap<>();
  /** The same, by node id: how reports from the network-free parts ({@link dev.vserve.impl.Telemetry}) find their node. */
  static final Map<String, ServeMetrics> BY_NODE = new ConcurrentHashMap<>();

  private static final MetricsSink SINK = new MetricsSink();

  static {
    dev.vserve.impl.Telemetry.install(SINK);
  }
  /** Latency buckets from 0.5 ms (a Java handler) to 60 s (a model call): PromQL computes p50/p90/p99 from them. */
  static final Duration[] BUCKETS = {Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  final PrometheusMeterRegistry registry;
  /** Off ({@code --no-metrics}): nothing is recorded and {@code /-/metrics} says so. */
  private volatile boolean enabled = true;
  final ClusterGauges gauges;
  private final Map<HttpKey, Meters> http = new ConcurrentHashMap<>();
  private final Map<String, ReplicaMeters> replicas = new ConcurrentHashMap<>();

  private record HttpKey(String app, String deployment, String route, String method, int status) {}

  private record Meters(Timer latency) {}

  /** A replica's meters: its calls by outcome and their processing time, its streams' items and first items. */
  public record ReplicaMeters(Counter errors, Timer processing, Counter streamItems, Timer firstItem) {
    static final ReplicaMeters NONE = new ReplicaMeters(null, null, null, null);

    public void record(long nanos, boolean failed) {
      if (processing == null) return;
      // errors first: the ok count (timer less errors) may lag for a moment, never run ahead
      if (failed) errors.increment();
      processing.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A stream's item went out; the first also records how long after the call began it came. */
    public void streamItem(boolean first, long sinceCallNanos) {
      if (streamItems == null) return;
      streamItems.increment();
      if (first) firstItem.record(sinceCallNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /**
   * A node's registry, its filters set before anything registers: two of Micrometer's names that
   * Prometheus' own lint (promtool check metrics) refuses are left out, an abbreviated unit
   * (process_cpu_time_ns_total) and a gauge ending in _count (system_cpu_count).
   */
  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(
        id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
    return registry;
  }

  private ServeMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.gauges = new ClusterGauges(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
  }

  /** The metrics of the node running on {@code vertx}. */
  public static ServeMetrics of(Vertx vertx) {
    return NODES.computeIfAbsent(vertx, v -> new ServeMetrics(newRegistry()));
  }

  /**
   * For a Vert.x that vserve creates itself: its builder with Vert.x's own metrics (event bus, pools,
   * HTTP and net clients; {@code vertx_*}) going to a registry of their own, which the node then takes up
   * ({@link #adopt}). Null registry, and no Vert.x metrics, when metrics are off.
   */
  public static PrometheusMeterRegistry withVertxMetrics(io.vertx.core.VertxBuilder builder, io.vertx.core.VertxOptions options,
                                                         boolean enabled) {
    if (!enabled) {
      builder.with(options);
      return null;
    }
    PrometheusMeterRegistry registry = newRegistry();
    // Vert.x's per-request HTTP server timers would count every request a second time (vserve_http_* do),
    // at a cost on the hot path; its connection, event-bus, pool and client metrics stay
    options.setMetricsOptions(new io.vertx.micrometer.MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false)
        .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.HTTP_SERVER));
    builder.with(options).withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory(registry));
    return registry;
  }

  /** The node on {@code vertx} uses the registry its Vert.x was created with. */
  public static void adopt(Vertx vertx, PrometheusMeterRegistry registry) {
    if (registry != null) NODES.putIfAbsent(vertx, new ServeMetrics(registry));
  }

  /** A node starts: its id (for reports from code that only knows that), and whether it records at all. */
  public static ServeMetrics start(Vertx vertx, String nodeId, boolean enabled) {
    ServeMetrics m = of(vertx);
    m.enabled = enabled;
    if (enabled) BY_NODE.put(nodeId, m);
    return m;
  }

  public boolean enabled() {
    return enabled;
  }

  /** The node stops: its registry goes with it. */
  public static void remove(Vertx vertx) {
    ServeMetrics m = NODES.remove(vertx);
    if (m == null) return;
    BY_NODE.entrySet().removeIf(e -> {
      if (e.getValue() != m) return false;
      SINK.forgetNode(e.getKey());
      return true;
    });
    m.registry.close();
  }

  /** What the controller knows of each deployment (replicas by state, targets), exported by the controller's node. */
  public ClusterGauges cluster() {
    return gauges;
  }

  /** The Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  /** One HTTP request answered by the proxy ({@code app}, {@code deployment} and {@code route} (its prefix) empty when it was not routed). */
  public void http(String app, String deployment, String route, String method, int status, long nanos) {
    if (!enabled) return;
    Meters m = http.computeIfAbsent(new HttpKey(app, deployment, route, method, status), k -> {
      Tags tags = Tags.of("application", k.app, "deployment", k.deployment, "route", k.route, "method", k.method,
          "status_code", Integer.toString(k.status));
      Timer latency = Timer.builder("vserve.http.request.duration").description("HTTP request latency at the proxy, request in to response out")
          .tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
      // the request count is the timer's, read when scraped: one update per request on the hot path, not two
      FunctionCounter.builder("vserve.http.requests", latency, Timer::count).description("HTTP requests answered by the proxy")
          .tags(tags).register(registry);
      return new Meters(latency);
    });
    m.latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The meters of one replica; {@code ongoing} is read when scraped. */
  public ReplicaMeters replica(String app, String deployment, String replica, Supplier<Number> ongoing) {
    if (!enabled) return ReplicaMeters.NONE;
    return replicas.computeIfAbsent(replica, r -> {
      Tags tags = Tags.of("application", app, "deployment", deployment, "replica", replica);
      Gauge.builder("vserve.replica.ongoing.requests", ongoing).description("calls running in the replica now")
          .tags(tags).register(registry);
      Counter errors = calls(tags.and("outcome", "error"));
      Timer processing = Timer.builder("vserve.replica.processing.duration").description("time the replica's code took per call")
          .tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
      // the calls that went well: all the timer saw less the errors, read when scraped (no second update per call)
      double[] seen = {0};  // a counter never goes back, even when read between the two updates of an error
      FunctionCounter.builder("vserve.replica.requests", processing, t -> seen[0] = Math.max(seen[0], t.count() - errors.count()))
          .description("calls the replica ran, by outcome").tags(tags.and("outcome", "ok")).register(registry);
      return new ReplicaMeters(errors, processing,
          Counter.builder("vserve.stream.items").description("items the replica's streams sent").tags(tags).register(registry),
          Timer.builder("vserve.stream.first.item.duration").description("from a streaming call's start to its first item")
              .tags(tags).serviceLevelObjectives(BUCKETS).register(registry));
    });
  }

  private Counter calls(Tags tags) {
    return Counter.builder("vserve.replica.requests").description("calls the replica ran, by outcome").tags(tags).register(registry);
  }

  /** A stopped replica's series are removed (a replaced one gets new ones under its new id). */
  public void removeReplica(String replica) {
    ReplicaMeters m = replicas.remove(replica);
    SINK.forgetReplica(replica);
    if (m == null) return;
    registry.getMeters().stream().filter(x -> replica.equals(x.getId().getTag("replica"))).toList().forEach(registry::remove);
  }
}
