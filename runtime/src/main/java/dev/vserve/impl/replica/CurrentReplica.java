package dev.vserve.impl.replica;

import dev.vserve.ReplicaContext;

/** The replica the current thread works for: set by the replica on the threads it runs user code on. */
public final class CurrentReplica {
  /** Inheritable: threads that user code starts (and batch runners) work for the same replica. */
  private static final InheritableThreadLocal<ReplicaContext> CURRENT = new InheritableThreadLocal<>();

  private CurrentReplica() {}

  public static ReplicaContext get() {
    return CURRENT.get();
  }

  public static void set(ReplicaContext context) {
    CURRENT.set(context);
  }
}
