package dev.vserve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deployment's own request router (Ray's {@code RequestRouterConfig}).
 *
 * @param routerClass a Java class implementing {@link RequestRouter} (a public constructor taking the
 *                    kwargs as a {@code Map}, or none); for a Python deployment, a class of its
 *                    application ({@code "Class"}, or {@code "module:Class"} from the application's directory)
 * @param kwargs      handed to the router (Python: {@code initialize_state(**kwargs)})
 * @param statsPeriodS how often replicas are asked for their {@link RoutingStats}
 * @param statsTimeoutS an answer that takes longer is logged and not used
 */
public record RequestRouterConfig(String routerClass, Map<String, Object> kwargs, double statsPeriodS, double statsTimeoutS) {
  public static final double DEFAULT_STATS_PERIOD_S = 10;
  public static final double DEFAULT_STATS_TIMEOUT_S = 30;
  /** Ray's name of its default router: naming it keeps vserve's default. */
  public static final String RAY_DEFAULT = "ray.serve._private.request_router:PowerOfTwoChoicesRequestRouter";

  public RequestRouterConfig {
    kwargs = kwargs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    if (!(statsPeriodS > 0) || !Double.isFinite(statsPeriodS)) {
      throw new IllegalArgumentException("request_routing_stats_period_s must be > 0, got " + statsPeriodS);
    }
    if (!(statsTimeoutS > 0) || !Double.isFinite(statsTimeoutS)) {
      throw new IllegalArgumentException("request_routing_stats_timeout_s must be > 0, got " + statsTimeoutS);
    }
  }

  public RequestRouterConfig(Class<? extends RequestRouter> routerClass) {
    this(routerClass.getName(), Map.of(), DEFAULT_STATS_PERIOD_S, DEFAULT_STATS_TIMEOUT_S);
  }

  /** Whether it names a router of its own rather than the node's default. */
  public boolean custom() {
    return routerClass != null && !routerClass.isEmpty() && !routerClass.equals(RAY_DEFAULT);
  }

  public RequestRouterConfig withKwargs(Map<String, Object> v) {
    return new RequestRouterConfig(routerClass, v, statsPeriodS, statsTimeoutS);
  }

  public RequestRouterConfig withStatsPeriodS(double v) {
    return new RequestRouterConfig(routerClass, kwargs, v, statsTimeoutS);
  }

  public RequestRouterConfig withStatsTimeoutS(double v) {
    return new RequestRouterConfig(routerClass, kwargs, statsPeriodS, v);
  }

  private static final java.util.Set<String> KEYS = java.util.Set.of("request_router_class", "request_router_kwargs",
      "request_routing_stats_period_s", "request_routing_stats_timeout_s");

  /** From a config file's mapping with Ray's names; unknown keys and wrong kinds fail naming them. */
  static RequestRouterConfig of(Object v) {
    if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException("request_router_config must be a mapping, got " + v);
    for (Object k : m.keySet()) {
      if (!KEYS.contains(k)) throw new IllegalArgumentException("request_router_config has no option '" + k + "' " + new java.util.TreeSet<>(KEYS));
    }
    Object cls = m.get("request_router_class");
    Object kwargs = m.get("request_router_kwargs");
    if (cls != null && !(cls instanceof String)) throw new IllegalArgumentException("request_router_config.request_router_class must be a class name, got " + cls);
    if (kwargs != null && !(kwargs instanceof Map)) throw new IllegalArgumentException("request_router_config.request_router_kwargs must be a mapping, got " + kwargs);
    @SuppressWarnings("unchecked") Map<String, Object> kw = (Map<String, Object>) kwargs;
    return new RequestRouterConfig((String) cls, kw, number(m, "request_routing_stats_period_s", DEFAULT_STATS_PERIOD_S),
        number(m, "request_routing_stats_timeout_s", DEFAULT_STATS_TIMEOUT_S));
  }

  private static double number(Map<?, ?> m, String key, double otherwise) {
    Object v = m.get(key);
    if (v == null) return otherwise;
    if (!(v instanceof Number n)) throw new IllegalArgumentException("request_router_config." + key + " must be a number, got " + v);
    return n.doubleValue();
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (routerClass != null) m.put("request_router_class", routerClass);
    if (!kwargs.isEmpty()) m.put("request_router_kwargs", kwargs);
    m.put("request_routing_stats_period_s", statsPeriodS);
    m.put("request_routing_stats_timeout_s", statsTimeoutS);
    return m;
  }
}
