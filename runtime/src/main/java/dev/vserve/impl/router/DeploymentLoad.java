package dev.vserve.impl.router;

import java.util.Map;

/** What one node's callers have outstanding for a deployment: calls waiting there, and calls in flight by replica id. */
public record DeploymentLoad(int queued, Map<String, Integer> inFlight) {
  public double total() {
    double t = queued;
    for (int n : inFlight.values()) t += n;
    return t;
  }
}
