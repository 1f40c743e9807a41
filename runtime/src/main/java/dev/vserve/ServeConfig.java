package dev.vserve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A serve config in Ray Serve's shape, from YAML or JSON:
 *
 * <pre>
 * http_options: {host: 127.0.0.1, port: 8000}
 * applications:
 *   - name: math
 *     route_prefix: /math
 *     import_path: dev.vserve.examples.Composition   # a class with a static `app`; Class:name picks another
 *     deployments:
 *       - name: Adder
 *         num_replicas: 2
 * </pre>
 *
 * The whole file is checked before anything starts: an unknown key at any level, a value of the wrong
 * type or out of range, duplicate keys or names, and trailing garbage each fail naming where.
 */
public record ServeConfig(ServeOptions options, List<AppConfig> applications) {

  /** One application: where its graph comes from, its name and prefix, and per-deployment overrides. */
  public record AppConfig(String importPath, String name, String routePrefix, Map<String, Map<String, Object>> deployments,
                          String autoscalingPolicy) {
    public AppConfig(String importPath, String name, String routePrefix, Map<String, Map<String, Object>> deployments) {
      this(importPath, name, routePrefix, deployments, null);
    }
  }

  private static final Set<String> TOP = Set.of("http_options", "applications", "proxy_location");
  private static final Set<String> HTTP = Set.of("host", "port", "request_timeout_s", "max_request_body_bytes",
      "keep_alive_timeout_s", "body_timeout_s");
  private static final Set<String> APP = Set.of("name", "route_prefix", "import_path", "deployments", "autoscaling_policy");

  public static ServeConfig load(Path file) {
    String f = file.getFileName().toString();
    ObjectMapper mapper = (f.endsWith(".yaml") || f.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    Object raw;
    try {
      raw = mapper.readValue(file.toFile(), Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read serve config " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    try {
      return from(raw == null ? Map.of() : map(raw, "the file"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("serve config " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the parsed config; a missing, unknown or malformed part fails naming it. */
  public static ServeConfig from(Map<String, Object> raw) {
    known(raw, TOP, "");
    if (raw.containsKey("proxy_location") && !"EveryNode".equals(raw.get("proxy_location"))) {
      throw new IllegalArgumentException("proxy_location: vserve runs a proxy on every node; only EveryNode is supported, got "
          + raw.get("proxy_location"));
    }
    ServeOptions o = new ServeOptions();
    Map<String, Object> http = raw.containsKey("http_options") ? map(raw.get("http_options"), "http_options") : Map.of();
    known(http, HTTP, "http_options.");
    if (http.containsKey("host")) o.setHttpHost(string(http.get("host"), "http_options.host"));
    if (http.containsKey("port")) {
      long p = whole(http.get("port"), "http_options.port", -1, 65535);
      if (p < 0) o.setHttpEnabled(false); else o.setHttpPort((int) p);
    }
    if (http.containsKey("request_timeout_s")) o.setRequestTimeoutMs(millis(http.get("request_timeout_s"), "http_options.request_timeout_s"));
    if (http.containsKey("keep_alive_timeout_s")) o.setHeaderTimeoutMs(millis(http.get("keep_alive_timeout_s"), "http_options.keep_alive_timeout_s"));
    if (http.containsKey("body_timeout_s")) o.setBodyTimeoutMs(millis(http.get("body_timeout_s"), "http_options.body_timeout_s"));
    if (http.containsKey("max_request_body_bytes")) {
      o.setMaxRequestBodyBytes(whole(http.get("max_request_body_bytes"), "http_options.max_request_body_bytes", 1, Long.MAX_VALUE));
    }
    List<AppConfig> apps = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> prefixes = new HashSet<>();
    Object listed = raw.getOrDefault("applications", List.of());
    if (!(listed instanceof List<?> list)) throw new IllegalArgumentException("applications must be a list, got " + DeploymentConfig.describe(listed));
    for (int i = 0; i < list.size(); i++) {
      String where = "applications[" + i + "]";
      Map<String, Object> a = map(list.get(i), where);
      known(a, APP, where + ".");
      if (!(a.get("import_path") instanceof String path) || path.isBlank()) {
        throw new IllegalArgumentException(where + " needs an import_path (a class with a static `app`, or a .py file)");
      }
      String name = a.containsKey("name") ? string(a.get("name"), where + ".name") : (i == 0 ? "default" : "app" + i);
      if (name.isBlank()) throw new IllegalArgumentException(where + ".name must not be empty");
      if (!names.add(name)) throw new IllegalArgumentException(where + ".name: application '" + name + "' is listed twice");
      String prefix = a.containsKey("route_prefix") ? string(a.get("route_prefix"), where + ".route_prefix") : "/";
      if (!prefix.startsWith("/")) throw new IllegalArgumentException(where + ".route_prefix must start with '/', got '" + prefix + "'");
      if (!prefixes.add(prefix)) throw new IllegalArgumentException(where + ".route_prefix '" + prefix + "' is used by another application");
      String policy = null;
      if (a.get("autoscaling_policy") != null) {
        Object p = a.get("autoscaling_policy");
        Object fn = p instanceof Map<?, ?> m ? m.get("policy_function") : p;
        if (!(fn instanceof String f) || f.isBlank() || (p instanceof Map<?, ?> m2 && m2.size() != 1)) {
          throw new IllegalArgumentException(where + ".autoscaling_policy must be {policy_function: <import path>}, got " + p);
        }
        policy = f;
      }
      apps.add(new AppConfig(path, name, prefix, deployments(a.getOrDefault("deployments", List.of()), where), policy));
    }
    return new ServeConfig(o, List.copyOf(apps));
  }

  /** Per-deployment overrides, each checked as it will be applied (types, ranges, unknown keys). */
  private static Map<String, Map<String, Object>> deployments(Object listed, String app) {
    if (!(listed instanceof List<?> list)) throw new IllegalArgumentException(app + ".deployments must be a list, got " + DeploymentConfig.describe(listed));
    Map<String, Map<String, Object>> overrides = new LinkedHashMap<>();
    for (int j = 0; j < list.size(); j++) {
      String where = app + ".deployments[" + j + "]";
      Map<String, Object> d = map(list.get(j), where);
      if (!(d.get("name") instanceof String dn) || dn.isBlank()) throw new IllegalArgumentException(where + " needs a name");
      if (overrides.containsKey(dn)) throw new IllegalArgumentException(where + ": deployment '" + dn + "' is listed twice");
      try {
        new DeploymentConfig().apply(d, dn);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      overrides.put(dn, d);
    }
    return overrides;
  }

  private static void known(Map<String, Object> m, Set<String> keys, String prefix) {
    for (String k : m.keySet()) {
      if (!keys.contains(k)) {
        throw new IllegalArgumentException("unknown key '" + prefix + k + "' (known here: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String where) {
    if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + " must be a mapping, got " + DeploymentConfig.describe(v));
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) throw new IllegalArgumentException(where + ": keys must be strings, got " + k);
    }
    return (Map<String, Object>) m;
  }

  private static String string(Object v, String where) {
    if (!(v instanceof String s)) throw new IllegalArgumentException(where + " must be a string, got " + DeploymentConfig.describe(v));
    return s;
  }

  private static long whole(Object v, String where, long min, long max) {
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(where + " must be a whole number, got " + DeploymentConfig.describe(v));
    }
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw new IllegalArgumentException(where + " must be between " + min + " and " + max + ", got " + v);
    }
    return n.longValue();
  }

  /** Seconds in the file, milliseconds in the options: positive and finite, at most a day. */
  private static long millis(Object v, String where) {
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new IllegalArgumentException(where + " must be a number of seconds, got " + DeploymentConfig.describe(v));
    }
    double s = n.doubleValue();
    if (s <= 0 || s > 86_400) throw new IllegalArgumentException(where + " must be > 0 and at most 86400 seconds, got " + v);
    return Math.max(1, Math.round(s * 1000));
  }

}
