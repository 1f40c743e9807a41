package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Get;
import dev.vserve.Serve;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A deployment whose calls take a while, to catch a node stopping with requests in flight. */
@Deployment(maxOngoingRequests = 64)
public class SlowApp {
  private final AtomicInteger inFlight = new AtomicInteger();

  @Get("/slow")
  public Map<String, Integer> slow() throws InterruptedException {
    inFlight.incrementAndGet();
    try {
      Thread.sleep(1_000);
    } finally {
      inFlight.decrementAndGet();
    }
    return Map.of("slept_ms", 1_000);
  }

  @Get("/inflight")
  public Map<String, Integer> inflight() {
    return Map.of("in_flight", inFlight.get());
  }

  public static final Application app = Serve.deployment(SlowApp.class).bind();
}
