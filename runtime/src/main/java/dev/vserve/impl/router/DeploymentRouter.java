package dev.vserve.impl.router;

import dev.vserve.BackPressureException;
import dev.vserve.RequestRouter;
import dev.vserve.ServeException;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayDeque;
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
  private final RequestRouter policy;
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
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private boolean retryScheduled;
  /** Expires waiting calls past their deadline; runs only while calls wait. */
  private long sweeper = -1;
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
    this.policy = policy;
  }

  public Future<Object> call(Call call) {
    Pending p = new Pending(call);
    RoutedReplica slot;
    Runnable cold = null;
    synchronized (lock) {
      if (closedReason != null) return Future.failedFuture(new ServeException(404, "NotFound", closedReason));
      slot = waiting.isEmpty() ? pick(call.multiplexedModelId()) : null;
      if (slot == null) {
        if (maxQueued >= 0 && waiting.size() >= maxQueued) {
          return Future.failedFuture(new BackPressureException("deployment '" + deployment + "' of app '" + app
              + "': all replicas at maxOngoingRequests=" + maxOngoing + " and " + waiting.size()
              + " request(s) queued (maxQueuedRequests=" + maxQueued + ")",
              backpressure == null ? 503 : backpressure.statusCode(), backpressure == null ? null : backpressure.retryAfterS()));
        }
        enqueue(p, false);
        cold = slots.isEmpty() ? coldDemand : null;
      } else {
        slot.inFlight++;
      }
    }
    if (slot == null) {
      if (cold != null) cold.run();
      return p.promise.future();
    }
    send(slot, p);
    return p.promise.future();
  }

  /** Applies an announcement; older versions than the one applied are ignored. */
  public void update(ReplicaSetUpdate u) {
    List<Pending> ready;
    synchronized (lock) {
      if (u.version() <= version) return;
      version = u.version();
      maxOngoing = u.maxOngoingRequests();
      maxQueued = u.maxQueuedRequests();
      backpressure = u.backpressure();
      idempotent = u.idempotent();
      metricsIntervalMs = u.metricsIntervalMs();
      Map<String, RoutedReplica> old = new HashMap<>();
      for (RoutedReplica s : slots) old.put(s.id, s);
      List<RoutedReplica> next = new ArrayList<>(u.replicas().size());
      for (ReplicaInfo r : u.replicas()) {
        // an announcement sent before the controller saw the node go must not bring it back
        if (departed.test(r.nodeId())) continue;
        RoutedReplica s = old.get(r.id());
        next.add(s != null ? s : new RoutedReplica(r.id(), r.nodeId(), clients.client(r.address(), r.nodeId())));
      }
      slots = List.copyOf(next);
      ready = drainLocked();
    }
    sendAll(ready);
  }

  /**
   * Forgets the replicas of a node that left the cluster. Its calls in flight will never be
   * answered: idempotent ones (and HTTP GETs) go back to the front of the queue, once; the others
   * fail with 503 now rather than at their deadline.
   */
  public void nodeLeft(String nodeId) {
    clients.nodeLeft(nodeId);
    List<Pending> lost = new ArrayList<>();
    List<Pending> ready;
    int retried = 0;
    synchronized (lock) {
      List<RoutedReplica> kept = new ArrayList<>(slots.size());
      for (RoutedReplica s : slots) {
        if (!nodeId.equals(s.nodeId)) {
          kept.add(s);
          continue;
        }
        for (Pending p : s.remote) {
          p.attempt++;  // whatever answer still comes from that send is ignored
          lost.add(p);
        }
        s.remote.clear();
      }
      if (kept.size() == slots.size()) return;
      slots = List.copyOf(kept);
      for (int i = lost.size() - 1; i >= 0; i--) {
        Pending p = lost.get(i);
        if ((idempotent || p.call.idempotent()) && !p.retried) {
          p.retried = true;
          retried++;
          enqueue(p, true);
          lost.remove(i);
        }
      }
      ready = drainLocked();
    }
    if (!lost.isEmpty() || retried > 0) dev.vserve.impl.Telemetry.sink().nodeLossCalls(localNode, app, deployment, retried, lost.size());
    for (Pending p : lost) {
      p.fail(new ServeException(503, "NodeLost", "the node running the replica of deployment '" + deployment
          + "' left the cluster while handling the request; it was not retried because the deployment is not marked idempotent"));
    }
    sendAll(ready);
  }

  /** Fails waiting calls and refuses new ones, e.g. when the application is deleted. */
  public void close(String reason) {
    List<Pending> failed;
    synchronized (lock) {
      closedReason = reason;
      failed = new ArrayList<>(waiting);
      waiting.clear();
      if (sweeper >= 0) {
        vertx.cancelTimer(sweeper);
        sweeper = -1;
      }
    }
    for (Pending p : failed) p.fail(new ServeException(503, "Unavailable", reason));
  }

  public int queued() {
    synchronized (lock) { return waiting.size(); }
  }

  /** What this node's callers have outstanding: calls waiting here, and calls in flight by replica id. */
  public record Load(int queued, Map<String, Integer> inFlight) {
    public double total() {
      double t = queued;
      for (int n : inFlight.values()) t += n;
      return t;
    }
  }

  public Load load() {
    synchronized (lock) {
      Map<String, Integer> byReplica = new HashMap<>();
      for (RoutedReplica s : slots) byReplica.put(s.id, s.inFlight);
      return new Load(waiting.size(), byReplica);
    }
  }

  public String app() { return app; }
  public String deployment() { return deployment; }

  /** Replica {@code replicaId} now holds these multiplexed models (its own report). */
  public void modelsOf(String replicaId, java.util.Set<String> models) {
    List<Pending> ready;
    synchronized (lock) {
      for (RoutedReplica s : slots) if (s.id.equals(replicaId)) s.models = java.util.Set.copyOf(models);
      ready = drainLocked();
    }
    sendAll(ready);
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
  private RoutedReplica pick(String model) {
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
   * Queues a call; refused calls go to the front to keep FIFO order. Deadlines are enforced by one
   * periodic sweep while calls wait, not a timer per call: in Ray's default configuration
   * (maxOngoingRequests = 5) most calls under load wait here, and a timer each was a measurable cost.
   */
  private void enqueue(Pending p, boolean front) {
    if (front) waiting.addFirst(p); else waiting.addLast(p);
    if (sweeper < 0 && p.call.deadlineMs() > 0) sweeper = vertx.setPeriodic(SWEEP_MS, t -> expireWaiting());
  }

  private static final long SWEEP_MS = 20;

  private void expireWaiting() {
    List<Pending> expired = new ArrayList<>();
    boolean noReplica;
    synchronized (lock) {
      long now = System.currentTimeMillis();
      waiting.removeIf(p -> {
        boolean late = p.call.deadlineMs() > 0 && now >= p.call.deadlineMs();
        if (late) expired.add(p);
        return late;
      });
      if (waiting.isEmpty() && sweeper >= 0) {
        vertx.cancelTimer(sweeper);
        sweeper = -1;
      }
      noReplica = slots.isEmpty();
    }
    for (Pending p : expired) {
      p.fail(new ServeException(504, "Timeout", "no replica of deployment '" + deployment + "' could take the request in time"
          + (noReplica ? " (it has no running replica)" : "")));
    }
  }

  private List<Pending> drainLocked() {
    List<Pending> ready = null;
    while (!waiting.isEmpty()) {
      RoutedReplica s = pick(waiting.peekFirst().call.multiplexedModelId());
      if (s == null) break;
      Pending p = waiting.pollFirst();
      s.inFlight++;
      p.slot = s;
      if (ready == null) ready = new ArrayList<>(2);
      ready.add(p);
    }
    return ready == null ? List.of() : ready;
  }

  private void sendAll(List<Pending> ready) {
    for (Pending p : ready) send(p.slot, p);
  }

  /**
   * Sends through the replica's client. Calls to other nodes are remembered until answered: if that
   * node leaves, they will never be, and {@link #nodeLeft} deals with them (a late answer is ignored).
   */
  private void send(RoutedReplica slot, Pending p) {
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

  private void complete(RoutedReplica slot, Pending p, Object result, Throwable failure) {
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

  private void release(RoutedReplica slot, Pending refused) {
    List<Pending> ready;
    boolean scheduleRetry = false;
    synchronized (lock) {
      slot.inFlight--;
      if (refused != null) {
        slot.refused();
        // the replica is full with other callers' work: wait for a completion we see, or a short back-off
        enqueue(refused, true);
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
        List<Pending> r;
        synchronized (lock) {
          retryScheduled = false;
          r = drainLocked();
        }
        sendAll(r);
      });
    }
    sendAll(ready);
  }


  static final class Pending {
    final Call call;
    // answered on the caller's context (the proxy's event loop) when it has one, as an event-bus reply would be
    final Promise<Object> promise = ContextInternal.current() instanceof ContextInternal ctx ? ctx.promise() : Promise.promise();
    RoutedReplica slot;
    /** Counts sends; an answer to an older one than the current is stale. */
    int attempt;
    boolean retried;

    Pending(Call call) {
      this.call = call;
    }

    void fail(Throwable t) {
      promise.tryFail(t);
    }
  }
}
