package dev.vserve.impl.replica;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The multiplexed models each replica of this JVM holds, as its code reports them (Java's
 * {@link dev.vserve.MultiplexedModels}, Python's {@code @serve.multiplexed}): the replica listens and
 * tells the routers, which send a model's requests where it is loaded.
 */
public final class ModelSets {
  private static final Map<String, Consumer<Set<String>>> LISTENERS = new ConcurrentHashMap<>();

  private ModelSets() {}

  /** The replica {@code replicaId} hears of its code's model set from now on. */
  public static void listen(String replicaId, Consumer<Set<String>> listener) {
    LISTENERS.put(replicaId, listener);
  }

  public static void forget(String replicaId) {
    LISTENERS.remove(replicaId);
  }

  /** The code of replica {@code replicaId} now holds exactly {@code models}. */
  public static void changed(String replicaId, Set<String> models) {
    Consumer<Set<String>> l = replicaId == null ? null : LISTENERS.get(replicaId);
    if (l != null) l.accept(Set.copyOf(models));
  }
}
