package dev.vserve.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** Waits for a condition with a deadline instead of sleeping a fixed time. */
public final class Poll {
  private Poll() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  /**
   * Waits until {@code value} is above {@code floor} and the same in two looks {@code apart} from each
   * other (a producer held back stops counting); returns that value.
   */
  public static int untilSteady(String what, Duration timeout, Duration apart, int floor, IntSupplier value) {
    int[] last = {Integer.MIN_VALUE};
    until(what, timeout, () -> {
      int now = value.getAsInt();
      boolean steady = now > floor && now == last[0];
      last[0] = now;
      if (!steady) {
        try {
          Thread.sleep(apart.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return steady;
    });
    return last[0];
  }
}
