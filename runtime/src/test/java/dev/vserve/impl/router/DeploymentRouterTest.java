package dev.vserve.impl.router;

import dev.vserve.BackPressureException;
import dev.vserve.RequestRouter.Replica;
import dev.vserve.ServeException;
import dev.vserve.impl.call.Call;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The router alone, its replicas fake clients whose answers the test gives: admission at
 * maxOngoingRequests, the queue and its limit, refusals offered again, and node loss.
 */
class DeploymentRouterTest {
  private Vertx vertx;
  private final Map<String, FakeReplica> replicas = new LinkedHashMap<>();
  private final Set<String> departed = new HashSet<>();
  private DeploymentRouter router;
  private long version;

  /** A replica whose calls wait until the test answers them. */
  static final class FakeReplica implements ReplicaClient {
    final List<Promise<Object>> calls = new ArrayList<>();
    boolean refuse;

    @Override
    public synchronized Future<Object> send(Call call, long timeoutMs) {
      if (refuse) return Future.failedFuture(REFUSED);
      Promise<Object> p = Promise.promise();
      calls.add(p);
      return p.future();
    }

    synchronized int pending() {
      return (int) calls.stream().filter(p -> !p.future().isComplete()).count();
    }

    synchronized void answerAll(Object value) {
      for (Promise<Object> p : new ArrayList<>(calls)) p.tryComplete(value);
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    router = new DeploymentRouter(vertx, "app", "D", new PowerOfTwoChoices(),
        (address, node) -> replicas.computeIfAbsent(address, a -> new FakeReplica()), "local", departed::contains);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void announce(int maxOngoing, int maxQueued, boolean idempotent, String... replicaAtNode) {
    announce(null, maxOngoing, maxQueued, idempotent, replicaAtNode);
  }

  private void announce(dev.vserve.RequestRouterConfig own, int maxOngoing, int maxQueued, boolean idempotent, String... replicaAtNode) {
    List<ReplicaInfo> infos = new ArrayList<>();
    for (String r : replicaAtNode) {
      String[] idNode = r.split("@");
      infos.add(new ReplicaInfo(idNode[0], idNode[0], idNode[1]));
    }
    router.update(new ReplicaSetUpdate("app", "D", ++version, maxOngoing, maxQueued, idempotent, 0, infos, null, own, "java"));
  }

  private static Call call(long deadlineMs) {
    return Call.method("r", "m", new Object[0], deadlineMs, "local");
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  private static Throwable failure(Future<?> f) {
    try {
      await(f);
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("did not fail");
  }

  @Test
  void aModelsCallsGoToTheReplicaHoldingItWhileItHasRoomElseAnother() {
    announce(2, -1, false, "a@n1", "b@n2", "c@n3");
    router.modelsOf("b", Set.of("m1", "m2"));
    for (int i = 0; i < 2; i++) router.call(call(0).withMultiplexedModelId("m2"));
    assertEquals(2, replicas.get("b").pending(), "both to the holder of m2");
    router.call(call(0).withMultiplexedModelId("m2"));
    assertEquals(1, replicas.get("a").pending() + replicas.get("c").pending(), "the holder is full: another loads it");
    router.call(call(0).withMultiplexedModelId("m3"));
    assertEquals(2, replicas.get("a").pending() + replicas.get("c").pending(), "a model nobody holds: the policy picks");
  }

  @Test
  void callsBeyondMaxOngoingWaitAtTheRouterAndGoOutAsSlotsFree() {
    announce(2, -1, false, "a@local");
    List<Future<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) futures.add(router.call(call(0)));
    assertEquals(2, replicas.get("a").pending(), "only maxOngoingRequests go to the replica");
    assertEquals(3, router.queued());
    replicas.get("a").answerAll("x");
    // each completion lets a waiting call out
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (futures.stream().anyMatch(f -> !f.isComplete()) && System.nanoTime() < deadline) {
      replicas.get("a").answerAll("x");
      Thread.onSpinWait();
    }
    for (Future<Object> f : futures) assertEquals("x", await(f));
    assertEquals(0, router.queued());
  }

  @Test
  void pastMaxQueuedRequestsACallFailsWithBackPressure() {
    announce(1, 1, false, "a@local");
    router.call(call(0));
    router.call(call(0));
    Throwable t = failure(router.call(call(0)));
    assertInstanceOf(BackPressureException.class, t);
    assertEquals(503, ((ServeException) t).status());
  }

  @Test
  void aRefusingReplicaIsPassedOverForOneWithRoom() {
    announce(4, -1, false, "a@local", "b@local");
    FakeReplica a = replicas.get("a");
    a.refuse = true;
    for (int i = 0; i < 6; i++) router.call(call(0));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (replicas.get("b").pending() < 4 && System.nanoTime() < deadline) Thread.onSpinWait();
    assertEquals(4, replicas.get("b").pending(), "the replica with room gets the calls");
    assertEquals(0, a.pending());
  }

  @Test
  void aWaitingCallTimesOutAtItsDeadline() {
    announce(1, -1, false, "a@local");
    router.call(call(0));
    Throwable t = failure(router.call(call(System.currentTimeMillis() + 200)));
    assertEquals(504, ((ServeException) t).status());
  }

  @Test
  void callsInFlightToANodeThatLeavesFailAtOnceUnlessIdempotent() {
    announce(4, -1, false, "a@n1");
    Future<Object> lost = router.call(call(0));
    router.nodeLeft("n1");
    Throwable t = failure(lost);
    assertEquals(503, ((ServeException) t).status());
    assertEquals("NodeLost", ((ServeException) t).errorType());

    announce(4, -1, true, "b@n2", "c@n3");
    Future<Object> retried = router.call(call(0));
    String first = replicas.get("b").pending() == 1 ? "b" : "c";
    String other = first.equals("b") ? "c" : "b";
    departed.add(first.equals("b") ? "n2" : "n3");
    router.nodeLeft(first.equals("b") ? "n2" : "n3");
    assertEquals(1, replicas.get(other).pending(), "an idempotent call is sent once more, elsewhere");
    replicas.get(other).answerAll("again");
    assertEquals("again", await(retried));
    assertEquals(0, router.queued());
  }

  /**
   * A deployment's own router, as the loader makes it from its class name: ranks by the test's
   * function, which sees the candidates and the call; remembers what was routed where.
   */
  public static final class TestRouter implements dev.vserve.RequestRouter {
    static volatile java.util.function.BiFunction<List<Replica>, PendingRequest, List<List<Replica>>> rank;
    static final List<String> routed = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public Future<List<List<Replica>>> chooseReplicas(List<Replica> candidates, PendingRequest request) {
      return Future.succeededFuture(rank.apply(candidates, request));
    }

    @Override
    public void onRequestRouted(PendingRequest request, Replica replica) {
      routed.add(request.args().get(0) + "->" + replica.id());
    }
  }

  private static dev.vserve.RequestRouterConfig own(String className) {
    return new dev.vserve.RequestRouterConfig(className, Map.of(), 10, 30);
  }

  private static Replica named(List<Replica> candidates, String id) {
    return candidates.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  private static Call call(String label) {
    return Call.method(label, "m", new Object[] {label}, 0, "local");
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.onSpinWait();
    }
  }

  @Test
  void aRankedRouterFillsItsFirstGroupFirstThenTheNextAndCallsWaitWhenAllAreFull() {
    TestRouter.routed.clear();
    TestRouter.rank = (c, req) -> List.of(List.of(named(c, "c")), List.of(named(c, "a"), named(c, "b")));
    announce(own(TestRouter.class.getName()), 1, -1, false, "a@local", "b@local", "c@local");
    Future<Object> first = router.call(call("1"));
    waitFor(() -> replicas.get("c").pending() == 1, "the first call at c, the first group");
    router.call(call("2"));
    router.call(call("3"));
    waitFor(() -> replicas.get("a").pending() == 1 && replicas.get("b").pending() == 1, "the next two in the second group");
    Future<Object> fourth = router.call(call("4"));
    waitFor(() -> router.queued() == 1, "the fourth to wait: every replica is full");
    replicas.get("c").answerAll("done");
    assertEquals("done", await(first));
    waitFor(() -> replicas.get("c").pending() == 1 && router.queued() == 0, "the fourth at c once it has room");
    replicas.get("c").answerAll("four");
    assertEquals("four", await(fourth));
    assertEquals("1->c", TestRouter.routed.get(0), "on_request_routed hears of each call");
    waitFor(() -> TestRouter.routed.size() == 4, "four routed calls");
  }

  @Test
  void aRankedRouterSeesEachReplicasRoutingStats() {
    TestRouter.rank = (c, req) -> List.of(c.stream()
        .sorted(java.util.Comparator.comparingDouble(r -> ((Number) r.routingStats().getOrDefault("load", 0)).doubleValue()))
        .map(r -> (Replica) r).toList().subList(0, 1));
    announce(own(TestRouter.class.getName()), 4, -1, false, "a@local", "b@local");
    router.routingStatsOf("a", Map.of("load", 7));
    router.routingStatsOf("b", Map.of("load", 2));
    for (int i = 0; i < 3; i++) router.call(call("x" + i));
    waitFor(() -> replicas.get("b").pending() == 3, "every call at b, the less loaded by its own figures");
    assertEquals(0, replicas.get("a").pending());
  }

  @Test
  void aRouterThatThrowsOrAnswersAStrangerFallsBackForThatCall() {
    TestRouter.rank = (c, req) -> {
      if (req.args().get(0).equals("boom")) throw new IllegalStateException("no idea");
      if (req.args().get(0).equals("stranger")) return List.of(List.of(new Replica() {
        public String id() { return "zz"; }
        public String nodeId() { return "local"; }
        public int queueLength() { return 0; }
      }));
      return List.of(List.of(named(c, "a")));
    };
    announce(own(TestRouter.class.getName()), 4, -1, false, "a@local", "b@local");
    for (String label : List.of("boom", "stranger", "fine")) router.call(call(label));
    waitFor(() -> replicas.get("a").pending() + replicas.get("b").pending() == 3, "all three calls sent");
  }

  @Test
  void aRouterThatCannotBeLoadedLeavesPowerOfTwoChoices() {
    announce(own("no.such.Router"), 4, -1, false, "a@local");
    Future<Object> f = router.call(call("x"));
    waitFor(() -> replicas.get("a").pending() == 1, "the call sent all the same");
    replicas.get("a").answerAll("ok");
    assertEquals("ok", await(f));
  }
}
