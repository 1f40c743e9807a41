package dev.vserve.impl.replica;

import java.util.ArrayList;
import java.util.List;

/**
 * The multiplexed model id of the call the current thread runs (Ray's {@code get_multiplexed_model_id()}),
 * set by the replica's code around each call ({@link #enter}, {@link #exit}); empty when the call named
 * none. What the call holds until it ends ({@link #onCallEnd}) is let go at its {@link #exit}.
 */
public final class CurrentModel {
  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private record Scope(String modelId, Scope outer, List<Runnable> atEnd) {}

  private CurrentModel() {}

  public static String get() {
    Scope s = CURRENT.get();
    return s == null || s.modelId == null ? "" : s.modelId;
  }

  /** A call for {@code modelId} (null or empty: none) starts on this thread. */
  public static void enter(String modelId) {
    CURRENT.set(new Scope(modelId == null || modelId.isEmpty() ? null : modelId, CURRENT.get(), new ArrayList<>(1)));
  }

  /** The call ends: what it held is let go, and the call around it (if any) is current again. */
  public static void exit() {
    Scope s = CURRENT.get();
    if (s == null) return;
    if (s.outer == null) CURRENT.remove(); else CURRENT.set(s.outer);
    for (Runnable r : s.atEnd) r.run();
  }

  /** Runs {@code release} when the current call ends; false (and nothing kept) outside any call. */
  public static boolean onCallEnd(Runnable release) {
    Scope s = CURRENT.get();
    if (s == null) return false;
    s.atEnd.add(release);
    return true;
  }
}
