package dev.vserve.replica;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A replica's running calls that have a deadline, by their thread. Those whose caller has given up
 * are cancelled as Ray Serve cancels abandoned requests, the Java way: by interrupting the thread.
 * Code that ignores interrupts runs on.
 */
final class Deadlines {
  private final Map<Thread, Long> byThread = new ConcurrentHashMap<>();

  /** {@code deadlineMs}: the call's deadline in epoch milliseconds, 0 for none. */
  void started(Thread thread, long deadlineMs) {
    if (deadlineMs > 0) byThread.put(thread, deadlineMs);
  }

  void ended(Thread thread) {
    byThread.remove(thread);
  }

  /** Interrupts each thread whose call is past its deadline, telling {@code interrupting} first. */
  void interruptAbandoned(Consumer<Thread> interrupting) {
    if (byThread.isEmpty()) return;
    long now = System.currentTimeMillis();
    byThread.forEach((thread, deadline) -> {
      if (now >= deadline && byThread.remove(thread, deadline)) {
        interrupting.accept(thread);
        thread.interrupt();
      }
    });
  }
}
