package dev.vserve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a deployment sheds load (Ray's {@code BackpressureConfig}): the HTTP answer to a request refused
 * because every replica is at {@code max_ongoing_requests} and the caller's queue is at
 * {@code max_queued_requests}: 503 (default) or 429, with a {@code Retry-After} header when
 * {@code retryAfterS} is set (rounded up to whole seconds). Handles see a {@link BackPressureException}.
 */
public record BackpressureConfig(int statusCode, Double retryAfterS) {
  public BackpressureConfig {
    if (statusCode != 503 && statusCode != 429) {
      throw new IllegalArgumentException("backpressure_config.status_code must be 503 or 429, got " + statusCode);
    }
    if (retryAfterS != null && !(retryAfterS >= 0 && Double.isFinite(retryAfterS))) {
      throw new IllegalArgumentException("backpressure_config.retry_after_s must be a number >= 0, got " + retryAfterS);
    }
  }

  /** From a config file's {@code {status_code: 429, retry_after_s: 5}}; unknown keys fail naming them. */
  static BackpressureConfig of(Object v) {
    if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException("backpressure_config must be a map, got " + v);
    for (Object k : m.keySet()) {
      if (!"status_code".equals(k) && !"retry_after_s".equals(k)) {
        throw new IllegalArgumentException("backpressure_config has no option '" + k + "' (status_code, retry_after_s)");
      }
    }
    Object status = m.get("status_code");
    Object retry = m.get("retry_after_s");
    if (status != null && !(status instanceof Number)) throw new IllegalArgumentException("backpressure_config.status_code must be 503 or 429");
    if (retry != null && !(retry instanceof Number)) throw new IllegalArgumentException("backpressure_config.retry_after_s must be a number");
    return new BackpressureConfig(status == null ? 503 : ((Number) status).intValue(), retry == null ? null : ((Number) retry).doubleValue());
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status_code", statusCode);
    if (retryAfterS != null) m.put("retry_after_s", retryAfterS);
    return m;
  }
}
