package dev.vserve.impl.app;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Map;

/**
 * Stands in an application plan for a bound deployment that a replica receives as a handle. In JSON
 * (plans cross nodes and live in the cluster's map) it is {@code {"@vserve.handle": {"app", "deployment"}}},
 * a shape no user argument is expected to take, so that {@link #revive} can tell it apart.
 */
public record HandleRef(String app, String deployment) {
  static final String KEY = "@vserve.handle";

  @JsonValue
  Map<String, Map<String, String>> json() {
    return Map.of(KEY, Map.of("app", app, "deployment", deployment));
  }

  /** The reference an init argument stands for after a trip through JSON, or null if it is none. */
  public static HandleRef revive(Object arg) {
    if (arg instanceof HandleRef ref) return ref;
    if (arg instanceof Map<?, ?> m && m.size() == 1 && m.get(KEY) instanceof Map<?, ?> r
        && r.get("app") instanceof String app && r.get("deployment") instanceof String dep) {
      return new HandleRef(app, dep);
    }
    return null;
  }
}
