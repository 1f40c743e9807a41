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
  private final LinkedHashMap<String, CompletableFuture<M>> models = new LinkedHashMap<>(16, 0.75f, true);

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

  /** The model {@code modelId}, loaded first if this replica does not hold it (evicting the least recently used). */
  public M get(String modelId) throws Exception {
    CompletableFuture<M> f;
    boolean mine = false;
    synchronized (models) {
      f = models.get(modelId);
      if (f == null) {
        f = new CompletableFuture<>();
        models.put(modelId, f);
        mine = true;
      }
    }
    if (mine) load(modelId, f);
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private void load(String modelId, CompletableFuture<M> f) {
    M model;
    try {
      model = loader.load(modelId);
    } catch (Throwable t) {
      synchronized (models) {
        models.remove(modelId, f);
      }
      f.completeExceptionally(t);
      return;
    }
    f.complete(model);
    java.util.List<M> evicted = new java.util.ArrayList<>();
    Set<String> now;
    synchronized (models) {
      var it = models.entrySet().iterator();
      while (models.size() > max && it.hasNext()) {
        Map.Entry<String, CompletableFuture<M>> e = it.next();
        // the least recently used that is loaded (one still loading has callers waiting for it)
        if (e.getValue().isDone() && !e.getKey().equals(modelId)) {
          it.remove();
          if (!e.getValue().isCompletedExceptionally()) evicted.add(e.getValue().join());
        }
      }
      now = loadedLocked();
    }
    for (M m : evicted) unload(m);
    ModelSets.changed(replicaId, now);
  }

  private Set<String> loadedLocked() {
    Set<String> out = new java.util.LinkedHashSet<>();
    models.forEach((id, f) -> {
      if (f.isDone() && !f.isCompletedExceptionally()) out.add(id);
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
    java.util.List<CompletableFuture<M>> all;
    synchronized (models) {
      all = new java.util.ArrayList<>(models.values());
      models.clear();
    }
    for (CompletableFuture<M> f : all) if (f.isDone() && !f.isCompletedExceptionally()) unload(f.join());
    ModelSets.changed(replicaId, Set.of());
  }
}
