package dev.vserve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 */
public record ServeConfig(ServeOptions options, List<AppConfig> applications) {

  /** One application: where its graph comes from, its name and prefix, and per-deployment overrides. */
  public record AppConfig(String importPath, String name, String routePrefix, Map<String, Map<String, Object>> deployments) {}

  public static ServeConfig load(Path file) {
    String f = file.getFileName().toString();
    ObjectMapper mapper = f.endsWith(".yaml") || f.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
    try {
      @SuppressWarnings("unchecked") Map<String, Object> raw = mapper.readValue(file.toFile(), Map.class);
      return from(raw == null ? Map.of() : raw);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read serve config " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the parsed config; a missing or malformed part fails naming it. */
  @SuppressWarnings("unchecked")
  public static ServeConfig from(Map<String, Object> raw) {
    ServeOptions o = new ServeOptions();
    Map<String, Object> http = (Map<String, Object>) raw.getOrDefault("http_options", Map.of());
    if (http.get("host") instanceof String h) o.setHttpHost(h);
    if (http.get("port") instanceof Number p) {
      if (p.intValue() < 0) o.setHttpEnabled(false); else o.setHttpPort(p.intValue());
    }
    if (http.get("request_timeout_s") instanceof Number t) o.setRequestTimeoutMs((long) (t.doubleValue() * 1000));
    if (http.get("max_request_body_bytes") instanceof Number b) o.setMaxRequestBodyBytes(b.longValue());
    List<AppConfig> apps = new ArrayList<>();
    List<Object> list = (List<Object>) raw.getOrDefault("applications", List.of());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> a)) throw new IllegalArgumentException("applications[" + i + "] must be a mapping");
      Object target = a.get("import_path");
      if (!(target instanceof String path) || path.isBlank()) {
        throw new IllegalArgumentException("applications[" + i + "] needs an import_path (a class with a static `app`)");
      }
      String name = a.get("name") instanceof String n ? n : (i == 0 ? "default" : "app" + i);
      String prefix = a.get("route_prefix") instanceof String p ? p : "/";
      Map<String, Map<String, Object>> overrides = new LinkedHashMap<>();
      for (Object d : (List<Object>) ((Map<String, Object>) a).getOrDefault("deployments", List.of())) {
        if (!(d instanceof Map<?, ?> dm) || !(dm.get("name") instanceof String dn)) {
          throw new IllegalArgumentException("applications[" + i + "].deployments: each needs a name");
        }
        overrides.put(dn, (Map<String, Object>) dm);
      }
      apps.add(new AppConfig(path, name, prefix, overrides));
    }
    return new ServeConfig(o, List.copyOf(apps));
  }
}
