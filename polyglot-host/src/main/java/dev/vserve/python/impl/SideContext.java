package dev.vserve.python.impl;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;

/**
 * A sandboxed context of its own, on a thread of its own, for code of an application's file that is
 * not a replica (a custom autoscaling policy on the controller, a request router on each calling
 * node): the file read again as a replica reads it, and nothing shared with the replicas.
 */
final class SideContext {
  private SideContext() {}

  /** What runs on the new thread once {@code vserve} is installed in its context. */
  interface SetUp<T> {
    T run(ReplicaThread thread, Value vserve, Path file) throws Exception;
  }

  /** Opens one for the application of {@code code}; a failure stops the thread and names {@code what} and the file. */
  static <T> T open(String threadName, String what, String code, SetUp<T> setUp) throws Exception {
    PythonReplica.Code file = PythonReplica.Code.parse(code);
    Path dir = file.file().toAbsolutePath().getParent();
    ReplicaThread thread = ReplicaThread.start(threadName, dir);
    try {
      return thread.submit(() -> setUp.run(thread, PythonEngine.install(Context.getCurrent(), new HostBridge(thread, a -> a, dir, null), false),
          file.file())).get();
    } catch (ExecutionException e) {
      thread.stop();
      throw new IllegalArgumentException(what + " of " + file.file() + ": " + e.getCause().getMessage(), e.getCause());
    }
  }
}
