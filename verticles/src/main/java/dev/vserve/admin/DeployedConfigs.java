package dev.vserve.admin;

import dev.vserve.impl.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The config each application was deployed with through the admin API, by application name, in the
 * cluster map {@value #MAP}: what {@code vserve config} shows, from whichever node it asks.
 */
final class DeployedConfigs {
  static final String MAP = "vserve.admin.configs";

  private final Vertx vertx;

  DeployedConfigs(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  Future<Void> put(String app, Object config) {
    return map().compose(m -> m.put(app, Json.MAPPER.valueToTree(config).toString()));
  }

  Future<Void> remove(String app) {
    return map().compose(m -> m.remove(app)).mapEmpty();
  }

  Future<Map<String, Object>> load() {
    return map().compose(AsyncMap::entries).map(entries -> {
      Map<String, Object> out = new LinkedHashMap<>();
      entries.forEach((k, v) -> out.put(k, Json.read(v.getBytes(java.nio.charset.StandardCharsets.UTF_8), Object.class, "deployed config")));
      return out;
    });
  }
}
