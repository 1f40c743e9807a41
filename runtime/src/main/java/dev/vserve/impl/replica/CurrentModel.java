package dev.vserve.impl.replica;

/**
 * The multiplexed model id of the call the current thread runs (Ray's {@code get_multiplexed_model_id()}):
 * set by the replica's code around each call; empty when the call named none.
 */
public final class CurrentModel {
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private CurrentModel() {}

  public static String get() {
    String id = CURRENT.get();
    return id == null ? "" : id;
  }

  /** Sets the id for the current thread; returns the previous one, to restore. */
  public static String set(String modelId) {
    String before = CURRENT.get();
    if (modelId == null || modelId.isEmpty()) CURRENT.remove(); else CURRENT.set(modelId);
    return before;
  }
}
