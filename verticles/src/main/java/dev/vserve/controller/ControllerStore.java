package dev.vserve.controller;

import dev.vserve.impl.Json;
import dev.vserve.impl.app.ApplicationPlan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's state in the cluster map {@value #MAP}: written after each change (when
 * clustered), read by the next controller, which then carries on with the same applications.
 */
final class ControllerStore {
  private static final System.Logger LOG = System.getLogger(ControllerStore.class.getName());
  static final String MAP = "vserve.controller";
  static final String KEY = "state";

  record AppSnapshot(ApplicationPlan plan, String status, String message, Map<String, List<ReplicaRecord>> replicas,
                     Map<String, Integer> targets) {}

  /** The applications with their running replicas, and the announcement versions reached. */
  record Snapshot(long routeVersion, long replicaVersion, List<AppSnapshot> apps) {
    static Snapshot of(long routeVersion, long replicaVersion, Collection<ApplicationState> apps) {
      List<AppSnapshot> list = new ArrayList<>();
      for (ApplicationState a : apps) {
        Map<String, List<ReplicaRecord>> replicas = new LinkedHashMap<>();
        Map<String, Integer> targets = new LinkedHashMap<>();
        a.deployments.forEach((n, d) -> {
          replicas.put(n, List.copyOf(d.running));
          targets.put(n, d.target());
        });
        list.add(new AppSnapshot(a.plan, a.status.name(), a.message, replicas, targets));
      }
      return new Snapshot(routeVersion, replicaVersion, list);
    }

    /** The applications as states again, with the replicas that were running (still to be checked). */
    List<ApplicationState> states() {
      List<ApplicationState> out = new ArrayList<>();
      for (AppSnapshot a : apps) {
        ApplicationState st = new ApplicationState(a.plan());
        st.status = ApplicationState.Status.valueOf(a.status());
        st.message = a.message();
        a.replicas().forEach((dep, rs) -> {
          DeploymentState d = st.deployments.get(dep);
          if (d != null) d.running.addAll(rs);
        });
        // the autoscaler's (or an external scaler's) decision outlives the controller that made it
        if (a.targets() != null) a.targets().forEach((dep, n) -> {
          DeploymentState d = st.deployments.get(dep);
          if (d != null) d.target = n;
        });
        out.add(st);
      }
      return out;
    }
  }

  private final AsyncMap<String, String> map;
  private final boolean enabled;

  private ControllerStore(AsyncMap<String, String> map, boolean enabled) {
    this.map = map;
    this.enabled = enabled;
  }

  /** A store on the cluster map; a single node keeps nothing (nobody would take over). */
  static Future<ControllerStore> open(Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap(MAP).map(m -> new ControllerStore(m, vertx.isClustered()));
  }

  /** The last saved state, or null (none, unreadable, or a single node). */
  Future<Snapshot> load() {
    if (!enabled) return Future.succeededFuture();
    return map.get(KEY).map(json -> {
      if (json == null) return null;
      try {
        return Json.MAPPER.readValue(json, Snapshot.class);
      } catch (java.io.IOException | RuntimeException e) {
        LOG.log(Level.ERROR, "the saved controller state cannot be read; starting empty", e);
        return null;
      }
    });
  }

  void save(Snapshot s) {
    if (!enabled) return;
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(s);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "controller state cannot be saved (are all init arguments JSON values?); "
          + "a controller taking over would not know the latest applications", e);
      return;
    }
    map.put(KEY, json).onFailure(err -> LOG.log(Level.WARNING, "saving the controller state failed", err));
  }
}
