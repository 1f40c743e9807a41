package dev.vserve.impl.autoscale;

import java.util.List;
import java.util.Map;

/**
 * One node's callers' load on autoscaled deployments, sent to the controller every metrics interval
 * (averaged over the interval), and at once, marked {@code cold}, when a call waits for a deployment
 * that has no replica.
 */
public record LoadReport(String nodeId, boolean cold, List<Entry> entries) {
  public static final String ADDRESS = "vserve.controller.load";

  /** Calls waiting at the node's router, and calls in flight by replica id. */
  public record Entry(String app, String deployment, long intervalMs, double queued, Map<String, Double> inFlight) {
    public double total() {
      double t = queued;
      for (double v : inFlight.values()) t += v;
      return t;
    }
  }

  /** Figures a replica's own code reported ({@code record_autoscaling_stats}). */
  public record Stats(String app, String deployment, String replica, Map<String, Double> stats) {
    public static final String ADDRESS = "vserve.controller.stats";
  }
}
