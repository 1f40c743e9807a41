package dev.vserve.replica;

import java.lang.System.Logger.Level;

/**
 * Reports a non-blocking method that held an event loop: its synchronous part ran longer than
 * {@link #LIMIT_NANOS}. Vert.x's own checker names only the thread, seconds later; this names the
 * deployment's method at once. At most one report per method every ten seconds.
 */
final class BlockedCheck {
  private static final System.Logger LOG = System.getLogger(BlockedCheck.class.getName());
  static final long LIMIT_NANOS = 50_000_000;
  private static final long QUIET_NANOS = 10_000_000_000L;
  private final java.util.Map<String, Long> lastReport = new java.util.concurrent.ConcurrentHashMap<>();
  private final String deployment;

  BlockedCheck(String deployment) {
    this.deployment = deployment;
  }

  void check(String method, long nanos) {
    if (nanos <= LIMIT_NANOS) return;
    long now = System.nanoTime();
    Long last = lastReport.get(method);
    if (last != null && now - last < QUIET_NANOS) return;
    lastReport.put(method, now);
    LOG.log(Level.WARNING, "non-blocking method " + method + " of deployment '" + deployment + "' held an event loop for "
        + nanos / 1_000_000 + " ms: every call on that loop waited. Return a Future at once, or mark the method @Blocking");
  }
}
