package dev.vserve.impl.autoscale;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** One figure over the look-back window: timed samples, oldest first, aggregated by mean, max or min. */
final class Series {
  private final ArrayDeque<double[]> samples = new ArrayDeque<>();

  void add(long nowMs, double value, long windowMs) {
    samples.addLast(new double[] {nowMs, value});
    trim(nowMs, windowMs);
  }

  void trim(long nowMs, long windowMs) {
    while (!samples.isEmpty() && samples.peekFirst()[0] < nowMs - windowMs) samples.pollFirst();
  }

  boolean isEmpty() {
    return samples.isEmpty();
  }

  double aggregate(String function) {
    if (samples.isEmpty()) return 0;
    double acc = function.equals("min") ? Double.MAX_VALUE : function.equals("max") ? -Double.MAX_VALUE : 0;
    for (double[] s : samples) {
      acc = switch (function) {
        case "min" -> Math.min(acc, s[1]);
        case "max" -> Math.max(acc, s[1]);
        default -> acc + s[1];
      };
    }
    return function.equals("mean") ? acc / samples.size() : acc;
  }

  List<Double> values() {
    List<Double> v = new ArrayList<>(samples.size());
    for (double[] s : samples) v.add(s[1]);
    return v;
  }
}
