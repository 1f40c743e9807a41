package dev.vserve.python.impl;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Python context made ahead, so that another replica of an application that already runs starts
 * without waiting for one: its thread, its sandbox and the {@code vserve} package, for the
 * application's directory (what a context may read). Each spare serves exactly one replica, which
 * binds it to its own bridge; nothing passes between replicas. One spare at a time, for the directory
 * whose replica started last, made only while no replica is starting (a burst of starts is not slowed
 * by it). {@code -Dvserve.python.spareContexts=false} turns it off.
 */
final class SpareContexts {
  private static final System.Logger LOG = System.getLogger(SpareContexts.class.getName());
  private static final boolean ON = !"false".equals(System.getProperty("vserve.python.spareContexts"));
  private static final long QUIET_MS = 300;
  private static final AtomicInteger STARTING = new AtomicInteger();

  private static Path dir;
  private static CompletableFuture<ReplicaThread> spare;
  private static boolean scheduled;

  private SpareContexts() {}

  /** A replica starts: the spare of its directory if one is ready, renamed; null otherwise. */
  static synchronized ReplicaThread take(Path appDir, String threadName) {
    STARTING.incrementAndGet();
    if (spare == null || !appDir.equals(dir) || !spare.isDone() || spare.isCompletedExceptionally()) return null;
    ReplicaThread t = spare.join();
    spare = null;
    t.rename(threadName);
    return t;
  }

  /** Whether a spare for {@code appDir} is ready now. */
  static synchronized boolean ready(Path appDir) {
    return spare != null && appDir.equals(dir) && spare.isDone() && !spare.isCompletedExceptionally();
  }

  /** Binds a spare's context (on its thread) to the replica's bridge; answers the {@code vserve} module as install does. */
  static Value adopt(HostBridge host) {
    Value vserve = Context.getCurrent().eval("python", "import vserve\nvserve");
    vserve.getMember("_context").putMember("host", host);
    return vserve;
  }

  /** A replica of {@code appDir} has started (or failed to): a spare for that directory once starts are quiet. */
  static void started(Path appDir) {
    STARTING.decrementAndGet();
    if (!ON) return;
    synchronized (SpareContexts.class) {
      if (appDir.equals(dir) && spare != null && !spare.isCompletedExceptionally()) return;
      discard();
      dir = appDir;
      if (scheduled) return;
      scheduled = true;
    }
    Thread.ofVirtual().name("vserve-py-spare-maker").start(SpareContexts::makeWhenQuiet);
  }

  private static void makeWhenQuiet() {
    try {
      while (STARTING.get() > 0) Thread.sleep(QUIET_MS);
      Path target;
      CompletableFuture<ReplicaThread> made = new CompletableFuture<>();
      synchronized (SpareContexts.class) {
        scheduled = false;
        if (spare != null) return;
        target = dir;
        spare = made;
      }
      try {
        ReplicaThread t = ReplicaThread.start("vserve-py-spare", target);
        t.submit(() -> PythonEngine.install(Context.getCurrent(), null, false)).get();
        made.complete(t);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "a spare Python context could not be made", e);
        made.completeExceptionally(e);
      }
      synchronized (SpareContexts.class) {
        if (spare != made) made.thenAccept(ReplicaThread::stop);   // discarded while it was made
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void discard() {
    if (spare != null) spare.thenAccept(ReplicaThread::stop);
    spare = null;
  }
}
