package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calls spread across replicas and no replica ever runs more than maxOngoingRequests. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingTest {
  static final Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();

  @Deployment(numReplicas = 3, maxOngoingRequests = 2)
  public static class Worker {
    private final String id = UUID.randomUUID().toString();
    private final AtomicInteger running = new AtomicInteger();

    public String call() throws InterruptedException {
      int now = running.incrementAndGet();
      peak.computeIfAbsent(id, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(20);
        return id;
      } finally {
        running.decrementAndGet();
      }
    }
  }

  /** Replica ids the test has told to say they are draining. */
  static final java.util.Set<String> draining = ConcurrentHashMap.newKeySet();

  /** A deployment with a router of its own, fed by what its replicas say of themselves. */
  public static class Shard implements RoutingStats {
    private final String id = UUID.randomUUID().toString();

    public String call() {
      return id;
    }

    @Override
    public Map<String, Object> recordRoutingStats() {
      return Map.of("draining", draining.contains(id));
    }
  }

  /** Ranks replicas that say they are draining last. */
  public static class DrainingLast implements RequestRouter {
    @Override
    public io.vertx.core.Future<List<List<Replica>>> chooseReplicas(List<Replica> candidates, PendingRequest request) {
      List<Replica> serving = candidates.stream().filter(r -> !Boolean.TRUE.equals(r.routingStats().get("draining"))).toList();
      List<Replica> last = candidates.stream().filter(r -> !serving.contains(r)).toList();
      return io.vertx.core.Future.succeededFuture(List.of(serving, last));
    }
  }

  static ServeNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    http = new Http(node.httpPort());
    Nodes.deploy(node, Application.bind(Worker.class), "workers", "/");
    Nodes.deploy(node, Serve.deployment(Shard.class).options(c -> c.setNumReplicas(2)
        .setRequestRouter(new RequestRouterConfig(DrainingLast.class).withStatsPeriodS(0.1))).bind(), "shards", "/shards");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  @Test
  void concurrentHttpRequestsUseEveryReplicaWithinItsLimit() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 60; i++) inFlight.add(http.getAsync("/"));
    Map<String, Integer> perReplica = new HashMap<>();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      perReplica.merge(r.body(), 1, Integer::sum);
    }
    assertEquals(3, perReplica.size(), "requests reached " + perReplica);
    for (int n : perReplica.values()) assertTrue(n >= 5, "uneven spread " + perReplica);
    for (AtomicInteger p : peak.values()) assertTrue(p.get() <= 2, "a replica ran " + p.get() + " > maxOngoingRequests");
  }

  @Test
  void handleCallsSpreadToo() {
    DeploymentHandle h = node.handle("workers", "Worker");
    List<DeploymentResponse<Object>> rs = new ArrayList<>();
    for (int i = 0; i < 30; i++) rs.add(h.remote());
    Map<Object, Integer> seen = new HashMap<>();
    for (DeploymentResponse<Object> r : rs) seen.merge(r.await(), 1, Integer::sum);
    assertEquals(3, seen.size(), "handle calls reached " + seen);
  }

  @Test
  void aDeploymentsOwnRouterRanksByWhatItsReplicasSayOfThemselves() throws Exception {
    DeploymentHandle h = node.handle("shards", "Shard");
    String a = String.valueOf(h.remote().await());
    draining.add(a);
    try {
      // within a stats period or two every call goes to the other replica
      long deadline = System.nanoTime() + 20_000_000_000L;
      int streak = 0;
      while (streak < 10) {
        assertTrue(System.nanoTime() < deadline, "calls still reach the draining replica " + a);
        streak = a.equals(h.remote().await()) ? 0 : streak + 1;
      }
    } finally {
      draining.clear();
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!a.equals(h.remote().await())) assertTrue(System.nanoTime() < deadline, "the replica never got calls again");
  }
}
