package dev.vserve;

import dev.vserve.impl.replica.CurrentModel;
import dev.vserve.impl.replica.CurrentReplica;
import dev.vserve.impl.replica.ModelSets;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Ray Serve's model multiplexing for Java deployments: one replica serves many models of the same
 * shape, keeping at most {@code maxModelsPerReplica} loaded and evicting the least recently used (a
 * model that is {@link AutoCloseable} is closed). Requests name their model with the
 * {@code serve_multiplexed_model_id} header, or through {@link DeploymentHandle#multiplexed}; routers
 * send them to a replica that holds it when one has room. Create one in the deployment's constructor:
 *
 * <pre>{@code
 * private final MultiplexedModels<Model> models = MultiplexedModels.of(3, id -> Model.load(dir.resolve(id)));
 * public Map<String, Object> call(Request r) { return models.get().predict(...); }   // the request's model
 * }</pre>
 *
 * Loading the same model for several calls at once loads it once; they all wait for it.
 */
public final class MultiplexedModels<M> implements AutoCloseable {
  /** Loads one model by its id; may block (calls run on virtual threads). */
  @FunctionalInterface
  public interface Loader<M> {
    M load(String modelId) throws Exception;
  }

  private final int max;
  private final Loader<M> loader;
  private final String replicaId;
  /** Loaded and loading models, least recently used first. */
  private final LinkedHashMap<String, Entry<M>> models = new LinkedHashMap<>(16, 0.75f, true);

  /** One model: its load, the calls using it now, and whether it was evicted (closed when the last one ends). */
  private static final class Entry<M> {
    final CompletableFuture<M> model = new CompletableFuture<>();
    int users;
    boolean evicted;
  }

  private MultiplexedModels(int max, Loader<M> loader, String replicaId) {
    this.max = max;
    this.loader = loader;
    this.replicaId = replicaId;
  }

  /** A model cache of this replica (call it in the deployment's constructor, where the replica is known). */
  public static <M> MultiplexedModels<M> of(int maxModelsPerReplica, Loader<M> loader) {
    if (maxModelsPerReplica < 1) throw new IllegalArgumentException("maxModelsPerReplica must be >= 1, got " + maxModelsPerReplica);
    ReplicaContext replica = CurrentReplica.get();
    return new MultiplexedModels<>(maxModelsPerReplica, loader, replica == null ? null : replica.replicaId());
  }

  /** Ray's {@code serve.get_multiplexed_model_id()}: the current call's model id, or "" when it names none. */
  public static String currentModelId() {
    return CurrentModel.get();
  }

  /** The model of the current call ({@link #currentModelId()}); a 400 when the call names none. */
  public M get() throws Exception {
    String id = currentModelId();
    if (id.isEmpty()) {
      throw new BadRequestException("this deployment serves multiplexed models: name one with the serve_multiplexed_model_id "
          + "header (or DeploymentHandle.multiplexed(id))");
    }
    return get(id);
  }

  /**
   * The model {@code modelId}, loaded first if this replica does not hold it (evicting the least
   * recently used). Inside a call, the model stays open until the call ends, even if it is evicted
   * meanwhile (its {@code close()} then runs as the last call using it ends).
   */
  public M get(String modelId) throws Exception {
    for (;;) {
      Entry<M> e;
      boolean mine = false;
      synchronized (models) {
        e = models.get(modelId);
        if (e == null) {
          e = new Entry<>();
          models.put(modelId, e);
          mine = true;
        }
      }
      if (mine) load(modelId, e);
      M model;
      try {
        model = e.model.get();
      } catch (ExecutionException failed) {
        throw failed.getCause() instanceof Exception ex ? ex : failed;
      }
      Entry<M> held = e;
      synchronized (models) {
        // evicted and closed while this call waited for it: load it again
        if (e.evicted && e.users == 0) continue;
        if (CurrentModel.onCallEnd(() -> release(held))) e.users++;
      }
      return model;
    }
  }

  private void load(String modelId, Entry<M> e) {
    M model;
    try {
      model = loader.load(modelId);
    } catch (Throwable t) {
      synchronized (models) {
        models.remove(modelId, e);
      }
      e.model.completeExceptionally(t);
      return;
    }
    e.model.complete(model);
    java.util.List<M> unload = new java.util.ArrayList<>();
    Set<String> now;
    synchronized (models) {
      var it = models.entrySet().iterator();
      while (models.size() > max && it.hasNext()) {
        Map.Entry<String, Entry<M>> old = it.next();
        // the least recently used that is loaded (one still loading has callers waiting for it)
        if (!old.getValue().model.isDone() || old.getKey().equals(modelId)) continue;
        it.remove();
        old.getValue().evicted = true;
        if (old.getValue().users == 0 && !old.getValue().model.isCompletedExceptionally()) unload.add(old.getValue().model.join());
      }
      now = loadedLocked();
    }
    for (M m : unload) unload(m);
    ModelSets.changed(replicaId, now);
  }

  private void release(Entry<M> e) {
    boolean last;
    synchronized (models) {
      last = --e.users == 0 && e.evicted;
    }
    if (last) unload(e.model.join());
  }

  private Set<String> loadedLocked() {
    Set<String> out = new java.util.LinkedHashSet<>();
    models.forEach((id, e) -> {
      if (e.model.isDone() && !e.model.isCompletedExceptionally()) out.add(id);
    });
    return out;
  }

  /** The ids of the models loaded now, least recently used first. */
  public Set<String> loaded() {
    synchronized (models) {
      return loadedLocked();
    }
  }

  private static void unload(Object model) {
    if (model instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        System.getLogger(MultiplexedModels.class.getName()).log(System.Logger.Level.WARNING, "closing an evicted model failed: " + e);
      }
    }
  }

  /** Unloads every model (the replica stops). */
  @Override
  public void close() {
    java.util.List<Entry<M>> all;
    synchronized (models) {
      all = new java.util.ArrayList<>(models.values());
      models.clear();
    }
    for (Entry<M> e : all) if (e.model.isDone() && !e.model.isCompletedExceptionally()) unload(e.model.join());
    ModelSets.changed(replicaId, Set.of());
  }
}
