package dev.vserve.python.impl;

import org.graalvm.polyglot.Context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * The one thread that runs a replica's Python: it owns the context (entered once, for good) and runs
 * what other threads post, in order. GraalPy holds one lock per context anyway; one owner makes it
 * explicit and keeps every Python object on one thread.
 */
final class ReplicaThread {
  private static final System.Logger LOG = System.getLogger(ReplicaThread.class.getName());
  private static final Runnable STOP = () -> {};

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  /** How long a stopping replica's Python may run on before it is cancelled. */
  private static final long CANCEL_AFTER_MS = 2_000;

  private final Thread thread;
  private volatile boolean stopped;
  private volatile Context context;
  /** When the task now running started (System.nanoTime), 0 when idle. */
  private volatile long taskStarted;
  /** What the thread had allocated when the task now running started. */
  private volatile long allocatedAtStart;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  ReplicaThread(String name, Supplier<Context> contextFactory, CompletableFuture<Context> started) {
    thread = Thread.ofPlatform().name(name).daemon().start(() -> run(contextFactory, started));
  }

  private void run(Supplier<Context> contextFactory, CompletableFuture<Context> started) {
    Context context;
    try {
      context = contextFactory.get();
      context.enter();
    } catch (Throwable t) {
      stopped = true;
      started.completeExceptionally(t);
      return;
    }
    this.context = context;
    started.complete(context);
    try {
      while (true) {
        Runnable task = tasks.take();
        if (task == STOP) break;
        allocatedAtStart = THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
        taskStarted = System.nanoTime();
        try {
          task.run();
        } catch (Throwable t) {
          dev.vserve.impl.call.UserErrors.log(LOG, "Python task failed on " + thread.getName(), t);
        } finally {
          taskStarted = 0;
        }
      }
    } catch (InterruptedException ignored) {
      // stopping
    } finally {
      stopped = true;
      try {
        context.leave();
        context.close(true);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the Python context failed", e);
      }
    }
  }

  /** A spare context's thread takes its replica's name (see {@link SpareContexts}). */
  void rename(String name) {
    thread.setName(name);
  }

  /** How long the task now running has run; 0 when idle. */
  long busyNanos() {
    long started = taskStarted;
    return started == 0 ? 0 : System.nanoTime() - started;
  }

  /** Bytes allocated by the task now running; 0 when idle. */
  long stepAllocatedBytes() {
    if (taskStarted == 0) return 0;
    long now = THREADS.getThreadAllocatedBytes(thread.threadId());
    return now < 0 ? 0 : Math.max(0, now - allocatedAtStart);
  }

  /** Cancels the Python code now running, at once; the thread then stops. */
  void cancelNow() {
    stopped = true;
    tasks.add(STOP);
    Context c = context;
    if (c != null) {
      try {
        c.close(true);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cancelling " + thread.getName() + " failed", e);
      }
    }
  }

  /** A thread with a fresh context for code from {@code appDir}, once the context is there. */
  static ReplicaThread start(String name, java.nio.file.Path appDir) throws Exception {
    CompletableFuture<Context> started = new CompletableFuture<>();
    ReplicaThread thread = new ReplicaThread(name, () -> PythonEngine.newContext(appDir), started);
    started.get();
    return thread;
  }

  /** Runs {@code work} on the Python thread; its value or failure completes the future (failed at once if stopped). */
  <T> CompletableFuture<T> submit(java.util.concurrent.Callable<T> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    boolean posted = post(() -> {
      try {
        out.complete(work.call());
      } catch (Throwable t) {
        out.completeExceptionally(t);
      }
    });
    if (!posted) out.completeExceptionally(new IllegalStateException(thread.getName() + " is stopped"));
    return out;
  }

  /** Runs {@code task} on the Python thread after what is already waiting; false once stopped. */
  boolean post(Runnable task) {
    if (stopped) return false;
    tasks.add(task);
    return true;
  }


  /**
   * Stops after the tasks already posted. Python that does not return (a loop that never ends) is
   * cancelled from outside after a grace period, so a stuck replica still goes away.
   */
  void stop() {
    stopped = true;
    tasks.add(STOP);
    Thread.ofVirtual().start(() -> {
      try {
        thread.join(CANCEL_AFTER_MS);
        Context c = context;
        if (thread.isAlive() && c != null) {
          LOG.log(System.Logger.Level.WARNING, thread.getName() + " did not stop; cancelling its Python code");
          c.close(true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cancelling " + thread.getName() + " failed", e);
      }
    });
  }
}
