package dev.vserve;

import dev.vserve.impl.Telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Custom metrics from a deployment's code, as Ray's {@code ray.serve.metrics}: a {@link Counter}, a
 * {@link Gauge} or a {@link Histogram} with declared tag keys and default tags. Recorded into the
 * node's registry (served at {@code GET /-/metrics}), each series also tagged with the replica's
 * {@code application}, {@code deployment} and {@code replica}. Create them once (a field of the
 * deployment) and record from any thread of the replica; outside a replica they record nothing.
 */
public final class Metrics {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> RESERVED = Set.of("application", "deployment", "replica");

  private Metrics() {}

  public static Counter counter(String name, String description, String... tagKeys) {
    return new Counter(name, description, tagKeys);
  }

  public static Gauge gauge(String name, String description, String... tagKeys) {
    return new Gauge(name, description, tagKeys);
  }

  /** A histogram with these bucket boundaries (increasing, positive). */
  public static Histogram histogram(String name, String description, List<Double> boundaries, String... tagKeys) {
    return new Histogram(name, description, boundaries, tagKeys);
  }

  /** What the three kinds share: a name, tag keys, default tags, and checks that name what is wrong. */
  public abstract static sealed class Metric permits Counter, Gauge, Histogram {
    final String kind;
    final String name;
    final String description;
    final List<String> tagKeys;
    final Map<String, String> defaults = new LinkedHashMap<>();

    Metric(String kind, String name, String description, String[] tagKeys) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("metric name '" + name + "' must match " + NAME.pattern());
      }
      for (String k : tagKeys) {
        if (RESERVED.contains(k)) throw new IllegalArgumentException("tag key '" + k + "' is set by vserve itself");
        if (!NAME.matcher(k).matches() || k.contains(":")) throw new IllegalArgumentException("tag key '" + k + "' is not a valid name");
      }
      this.kind = kind;
      this.name = name;
      this.description = description == null ? "" : description;
      this.tagKeys = List.of(tagKeys);
    }

    /** Tags used when a record does not give them. */
    public Metric setDefaultTags(Map<String, String> tags) {
      check(tags);
      defaults.putAll(tags);
      return this;
    }

    void check(Map<String, String> tags) {
      for (String k : tags.keySet()) {
        if (!tagKeys.contains(k)) throw new IllegalArgumentException("metric " + name + " has no tag key '" + k + "' (declared: " + tagKeys + ")");
      }
    }

    List<Double> boundaries() {
      return List.of();
    }

    void record(double value, Map<String, String> tags) {
      if (!Double.isFinite(value)) throw new IllegalArgumentException("metric " + name + ": value must be a finite number, got " + value);
      Map<String, String> all = new LinkedHashMap<>(defaults);
      if (tags != null) {
        check(tags);
        all.putAll(tags);
      }
      for (String k : tagKeys) {
        if (!all.containsKey(k)) throw new IllegalArgumentException("metric " + name + ": tag '" + k + "' has no value (give it, or a default)");
      }
      ReplicaContext replica = ReplicaContext.current();
      if (replica != null) Telemetry.sink().userMetric(replica, kind, name, description, boundaries(), all, value);
    }
  }

  public static final class Counter extends Metric {
    Counter(String name, String description, String[] tagKeys) {
      super("counter", name, description, tagKeys);
    }

    public void inc() {
      inc(1, Map.of());
    }

    public void inc(double value, Map<String, String> tags) {
      if (value < 0) throw new IllegalArgumentException("counter " + name + " only goes up; got " + value);
      record(value, tags);
    }
  }

  public static final class Gauge extends Metric {
    Gauge(String name, String description, String[] tagKeys) {
      super("gauge", name, description, tagKeys);
    }

    public void set(double value, Map<String, String> tags) {
      record(value, tags);
    }
  }

  public static final class Histogram extends Metric {
    private final List<Double> boundaries;

    Histogram(String name, String description, List<Double> boundaries, String[] tagKeys) {
      super("histogram", name, description, tagKeys);
      List<Double> b = new ArrayList<>(boundaries == null ? List.of() : boundaries);
      if (b.isEmpty()) throw new IllegalArgumentException("histogram " + name + " needs bucket boundaries");
      for (int i = 0; i < b.size(); i++) {
        if (!(b.get(i) > 0) || (i > 0 && b.get(i) <= b.get(i - 1))) {
          throw new IllegalArgumentException("histogram " + name + ": boundaries must be positive and increasing, got " + b);
        }
      }
      this.boundaries = List.copyOf(b);
    }

    @Override
    List<Double> boundaries() {
      return boundaries;
    }

    public void observe(double value, Map<String, String> tags) {
      record(value, tags);
    }
  }
}
