package dev.vserve.replica;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * How full the heap is now (garbage included: the point is to act before an OutOfMemoryError, not
 * after a collection that may come too late).
 */
final class HeapPressure {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private HeapPressure() {}

  /** Used heap as a fraction of the maximum heap (0..1). */
  static double fullness() {
    long max = Runtime.getRuntime().maxMemory();
    if (max <= 0 || max == Long.MAX_VALUE) return 0;
    return Math.min(1.0, MEMORY.getHeapMemoryUsage().getUsed() / (double) max);
  }

  /** A replica's budget: its deployment's {@code memory} when set, else a quarter of the heap. */
  static long budget(double configuredBytes) {
    return configuredBytes > 0 ? (long) configuredBytes : Runtime.getRuntime().maxMemory() / 4;
  }
}
