package dev.vserve.impl.router;

import dev.vserve.BackPressureException;
import dev.vserve.RequestRouter;
import dev.vserve.ServeException;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's side of one deployment on one node: which replicas exist, how many calls this node
 * has in flight to each, and the calls waiting for room. A call goes to the replica the
 * {@link RequestRouter} picks; when all are at {@code maxOngoingRequests} it waits here, and past
 * {@code maxQueuedRequests} waiting calls it fails with back pressure. A replica that refuses (its
 * other callers filled it) sends the call back to wait. When a node leaves the cluster, calls in
 * flight to its replicas fail at once, or are sent once more elsewhere if they are idempotent.
 * Shared by the proxy and every handle of the node, from any thread.
 */
public final class DeploymentRouter {
  /** Back-off before a refused call is offered again, when no completion frees a slot sooner. */
  private static final long RETRY_DELAY_MS = 2;

  private final Vertx vertx;
  private final String app;
  private final String deployment;
  /** The node's default router, when it picks at once; null when it ranks through a future. */
  private final RequestRouter.Immediate immediate;
  /** Asked when the node's default ranks through a future. */
  private final RankedRouting rankedDefault;
  private static final RequestRouter.Immediate FALLBACK = new PowerOfTwoChoices();
  private final ReplicaClient.Factory clients;
  private final String localNode;
  private final java.util.function.Predicate<String> departed;

  private final Object lock = new Object();
  private List<RoutedReplica> slots = List.of();
  private long version = -1;
  private int maxOngoing = 1;
  private int maxQueued = -1;
  /** Model affinity on (the default); {@code -Dvserve.router.modelAffinity=false} turns it off, for comparisons. */
  private final boolean modelAffinity = !"false".equals(System.getProperty("vserve.router.modelAffinity"));
  private dev.vserve.BackpressureConfig backpressure;
  private boolean idempotent;
  private volatile long metricsIntervalMs;
  /** Told when a call waits and there is no replica at all: an autoscaler at zero must hear of it now. */
  private volatile Runnable coldDemand;
  private final WaitingCalls waiting;
  private boolean retryScheduled;
  /** The router asking through a future in force (the deployment's own, or a ranking default); null: {@link #immediate}. */
  private RankedRouting ranked;
  private dev.vserve.RequestRouterConfig ownRouter;
  /** A ranked decision for the call at the head of the queue is under way (one at a time: FIFO). */
  private boolean deciding;
  /** Back-off before a ranked router is asked again when its choice had no room. */
  private long rankedBackoffMs = RANKED_BACKOFF_MIN_MS;
  private static final long RANKED_BACKOFF_MIN_MS = 5;
  private static final long RANKED_BACKOFF_MAX_MS = 200;
  private String closedReason;

  public DeploymentRouter(Vertx vertx, String app, String deployment, RequestRouter policy,
                          ReplicaClient.Factory clients, String localNode,
                          java.util.function.Predicate<String> departed) {
    this.vertx = vertx;
    this.localNode = localNode;
    this.departed = departed;
    this.clients = clients;
    this.app = app;
    this.deployment = deployment;
    this.immediate = policy instanceof RequestRouter.Immediate i ? i : null;
    this.rankedDefault = immediate == null ? RankedRouting.of(vertx, deployment, policy) : null;
    this.ranked = rankedDefault;
    this.waiting = new WaitingCalls(vertx, lock, this::expired);
  }

  public Future<Object> call(Call call) {
    PendingCall p = new PendingCall(call);
    RoutedReplica slot;
    Runnable cold = null;
    synchronized (lock) {
      if (closedReason != null) return Future.failedFuture(new ServeException(404, "NotFound", closedReason));
      slot = waiting.isEmpty() && ranked == null ? pick(call.multiplexedModelId(), immediate) : null;
      if (slot == null) {
        if (maxQueued >= 0 && waiting.size() >= maxQueued) {
          return Future.failedFuture(new BackPressureException("deployment '" + deployment + "' of app '" + app
              + "': all replicas at maxOngoingRequests=" + maxOngoing + " and " + waiting.size()
              + " request(s) queued (maxQueuedRequests=" + maxQueued + ")",
              backpressure == null ? 503 : backpressure.statusCode(), backpressure == null ? null : backpressure.retryAfterS()));
        }
        waiting.add(p, false);
        cold = slots.isEmpty() ? coldDemand : null;
      } else {
        slot.inFlight++;
      }
    }
    if (slot == null) {
      if (cold != null) cold.run();
      decideNext();
      return p.promise.future();
    }
    send(slot, p);
    return p.promise.future();
  }

  /** Applies an announcement; older versions than the one applied are ignored. */
  public void update(ReplicaSetUpdate u) {
    List<PendingCall> ready;
    synchronized (lock) {
      if (u.version() <= version) return;
      version = u.version();
      maxOngoing = u.maxOngoingRequests();
      maxQueued = u.maxQueuedRequests();
      backpressure = u.backpressure();
      idempotent = u.idempotent();
      metricsIntervalMs = u.metricsIntervalMs();
      useRouter(u);
      Map<String, RoutedReplica> old = new HashMap<>();
      for (RoutedReplica s : slots) old.put(s.id, s);
      List<RoutedReplica> next = new ArrayList<>(u.replicas().size());
      for (ReplicaInfo r : u.replicas()) {
        // an announcement sent before the controller saw the node go must not bring it back
        if (departed.test(r.nodeId())) continue;
        RoutedReplica s = old.get(r.id());
        next.add(s != null ? s : new RoutedReplica(r.id(), r.nodeId(), clients.client(r.address(), r.nodeId())));
      }
      for (RoutedReplica r : next) r.maxOngoing = maxOngoing;
      slots = List.copyOf(next);
      ready = drainLocked();
    }
    sendAll(ready);
  }

  /** Loads the deployment's own router when the announcement names one it did not name before (under the lock). */
  private void useRouter(ReplicaSetUpdate u) {
    dev.vserve.RequestRouterConfig own = u.router() != null && u.router().custom() ? u.router() : null;
    if (java.util.Objects.equals(own, ownRouter)) return;
    if (ranked != null && ranked != rankedDefault) ranked.close();
    ownRouter = own;
    ranked = own == null ? rankedDefault : RankedRouting.load(vertx, app, deployment, own, u.code(), localNode);
  }

  /**
   * Forgets the replicas of a node that left the cluster. Its calls in flight will never be
   * answered: idempotent ones (and HTTP GETs) go back to the front of the queue, once; the others
   * fail with 503 now rather than at their deadline.
   */
  public void nodeLeft(String nodeId) {
    clients.nodeLeft(nodeId);
    List<PendingCall> lost = new ArrayList<>();
    List<PendingCall> ready;
    int retried = 0;
    synchronized (lock) {
      List<RoutedReplica> kept = RoutedReplica.withoutNode(slots, nodeId, lost);
      if (kept == slots) return;
      slots = kept;
      for (int i = lost.size() - 1; i >= 0; i--) {
        PendingCall p = lost.get(i);
        if ((idempotent || p.call.idempotent()) && !p.retried) {
          p.retried = true;
          retried++;
          waiting.add(p, true);
          lost.remove(i);
        }
      }
      ready = drainLocked();
    }
    if (!lost.isEmpty() || retried > 0) dev.vserve.impl.Telemetry.sink().nodeLossCalls(localNode, app, deployment, retried, lost.size());
    for (PendingCall p : lost) {
      p.fail(new ServeException(503, "NodeLost", "the node running the replica of deployment '" + deployment
          + "' left the cluster while handling the request; it was not retried because the deployment is not marked idempotent"));
    }
    sendAll(ready);
  }

  /** Fails waiting calls and refuses new ones, e.g. when the application is deleted. */
  public void close(String reason) {
    List<PendingCall> failed;
    synchronized (lock) {
      closedReason = reason;
      if (ranked != null && ranked != rankedDefault) ranked.close();
      failed = waiting.clear();
    }
    for (PendingCall p : failed) p.fail(new ServeException(503, "Unavailable", reason));
  }

  public int queued() {
    synchronized (lock) { return waiting.size(); }
  }

  public DeploymentLoad load() {
    synchronized (lock) {
      Map<String, Integer> byReplica = new HashMap<>();
      for (RoutedReplica s : slots) byReplica.put(s.id, s.inFlight);
      return new DeploymentLoad(waiting.size(), byReplica);
    }
  }

  public String app() { return app; }
  public String deployment() { return deployment; }

  /** Replica {@code replicaId} now holds these multiplexed models (its own report). */
  public void modelsOf(String replicaId, java.util.Set<String> models) {
    List<PendingCall> ready;
    synchronized (lock) {
      for (RoutedReplica s : slots) if (s.id.equals(replicaId)) s.models = java.util.Set.copyOf(models);
      ready = drainLocked();
    }
    sendAll(ready);
  }

  /** Replica {@code replicaId} said this of itself ({@code record_routing_stats}); ranked routers see it. */
  public void routingStatsOf(String replicaId, Map<String, Object> stats) {
    synchronized (lock) {
      for (RoutedReplica s : slots) if (s.id.equals(replicaId)) s.routingStats = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stats));
    }
  }

  /** How often the load is reported to the autoscaler; 0 when the deployment is not autoscaled. */
  public long metricsIntervalMs() { return metricsIntervalMs; }

  public void onColdDemand(Runnable r) {
    coldDemand = r;
  }

  /**
   * The replica for a call: for a multiplexed model, the least loaded of those holding it that has
   * room (Ray's model affinity), else one with room that holds the fewest models (it loads this one,
   * evicting least); for other calls, the policy's pick.
   */
  private RoutedReplica pick(String model, RequestRouter.Immediate policy) {
    if (slots.isEmpty()) return null;
    if (model != null && modelAffinity) {
      RoutedReplica r = RoutedReplica.leastLoadedHolding(slots, model, maxOngoing);
      if (r == null) r = RoutedReplica.fewestModels(slots, maxOngoing);
      if (r != null) return r;
    }
    RequestRouter.Replica chosen = policy.choose(slots, maxOngoing, localNode);
    if (chosen == null || chosen instanceof RoutedReplica) return (RoutedReplica) chosen;
    throw new IllegalStateException("RequestRouter " + policy.getClass().getName()
        + " returned a replica it was not given; it must return one of the list, or null");
  }

  /**
   * Asks the ranked router for the call at the head of the queue, unless a decision is under way:
   * one at a time keeps calls in FIFO order, as Ray's FIFOMixin does.
   */
  private void decideNext() {
    RankedRouting r;
    PendingCall head;
    List<RoutedReplica> candidates;
    synchronized (lock) {
      r = ranked;
      if (r == null || deciding || waiting.isEmpty() || slots.isEmpty() || closedReason != null) return;
      deciding = true;
      head = waiting.peek();
      candidates = slots;
    }
    r.rank(candidates, head).onComplete(ar -> decided(r, head, ar.result()));
  }

  /** Applies a decision; {@code groups} null: the router failed, and power of two choices takes the call. */
  private void decided(RankedRouting r, PendingCall head, List<List<RoutedReplica>> groups) {
    RoutedReplica slot = null;
    long backoff = 0;
    synchronized (lock) {
      deciding = false;
      // unless the call expired, or was displaced by a retried one, meanwhile
      if (waiting.peek() == head) {
        slot = groups == null ? pick(head.call.multiplexedModelId(), FALLBACK) : RoutedReplica.firstWithRoom(groups, slots, maxOngoing);
        if (slot != null) {
          waiting.poll();
          slot.inFlight++;
          rankedBackoffMs = RANKED_BACKOFF_MIN_MS;
        } else {
          backoff = rankedBackoffMs;
          rankedBackoffMs = Math.min(RANKED_BACKOFF_MAX_MS, rankedBackoffMs * 2);
        }
      }
    }
    if (slot != null) {
      send(slot, head);
      r.routed(head, slot);
    }
    // no room where the router wants the call: a completion asks again, or the back-off does
    if (backoff > 0) vertx.setTimer(backoff, t -> decideNext()); else decideNext();
  }

  private void expired(List<PendingCall> expired) {
    boolean noReplica;
    synchronized (lock) {
      noReplica = slots.isEmpty();
    }
    for (PendingCall p : expired) {
      p.fail(new ServeException(504, "Timeout", "no replica of deployment '" + deployment + "' could take the request in time"
          + (noReplica ? " (it has no running replica)" : "")));
    }
  }

  /** Takes the waiting calls a replica has room for; with a ranked router, {@link #sendAll} asks it instead. */
  private List<PendingCall> drainLocked() {
    if (ranked != null) return List.of();
    List<PendingCall> ready = null;
    while (!waiting.isEmpty()) {
      RoutedReplica s = pick(waiting.peek().call.multiplexedModelId(), immediate);
      if (s == null) break;
      PendingCall p = waiting.poll();
      s.inFlight++;
      p.slot = s;
      if (ready == null) ready = new ArrayList<>(2);
      ready.add(p);
    }
    return ready == null ? List.of() : ready;
  }

  private void sendAll(List<PendingCall> ready) {
    for (PendingCall p : ready) send(p.slot, p);
    if (ranked != null) decideNext();
  }

  /**
   * Sends through the replica's client. Calls to other nodes are remembered until answered: if that
   * node leaves, they will never be, and {@link #nodeLeft} deals with them (a late answer is ignored).
   */
  private void send(RoutedReplica slot, PendingCall p) {
    long timeout = p.call.deadlineMs() > 0 ? Math.max(1, p.call.deadlineMs() - System.currentTimeMillis()) : Long.MAX_VALUE / 4;
    if (localNode.equals(slot.nodeId)) {
      slot.client.send(p.call, timeout).onComplete(ar -> complete(slot, p, ar.result(), ar.cause()));
      return;
    }
    int attempt;
    synchronized (lock) {
      attempt = ++p.attempt;
      slot.remote.add(p);
    }
    slot.client.send(p.call, timeout).onComplete(ar -> {
      synchronized (lock) {
        // the node left and nodeLeft() already retried or failed this call
        if (p.attempt != attempt) return;
        slot.remote.remove(p);
      }
      complete(slot, p, ar.result(), ar.cause());
    });
  }

  private void complete(RoutedReplica slot, PendingCall p, Object result, Throwable failure) {
    if (failure == null) {
      release(slot, null);
      p.promise.tryComplete(result);
    } else if (isRetryable(failure)) {
      release(slot, p);
    } else {
      release(slot, null);
      p.fail(Failures.toServeException(failure));
    }
  }

  private static boolean isRetryable(Throwable t) {
    return t == ReplicaClient.REFUSED;
  }

  private void release(RoutedReplica slot, PendingCall refused) {
    List<PendingCall> ready;
    boolean scheduleRetry = false;
    synchronized (lock) {
      slot.inFlight--;
      if (refused != null) {
        slot.refused();
        // the replica is full with other callers' work: wait for a completion we see, or a short back-off
        waiting.add(refused, true);
        if (!retryScheduled) {
          retryScheduled = true;
          scheduleRetry = true;
        }
        ready = List.of();
      } else {
        ready = drainLocked();
      }
    }
    if (scheduleRetry) {
      vertx.setTimer(RETRY_DELAY_MS, t -> {
        List<PendingCall> r;
        synchronized (lock) {
          retryScheduled = false;
          r = drainLocked();
        }
        sendAll(r);
      });
    }
    sendAll(ready);
  }
}
