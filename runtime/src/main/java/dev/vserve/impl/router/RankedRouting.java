package dev.vserve.impl.router;

import dev.vserve.RequestRouter;
import dev.vserve.RequestRouterConfig;
import dev.vserve.spi.RequestRouterLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A router that answers through a future (a deployment's own, Ray's {@code choose_replicas}), as one
 * deployment's {@link DeploymentRouter} on one node asks it: loaded off the event loop, given a
 * deadline, its answer turned back into the caller's replicas. A failure of any kind is logged (the
 * first of a kind at once, then at most every ten seconds with a count) and fails the decision, which
 * the caller then takes by power of two choices.
 */
final class RankedRouting {
  private static final System.Logger LOG = System.getLogger(RankedRouting.class.getName());
  static final long DECISION_TIMEOUT_MS = 2_000;
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final Vertx vertx;
  private final String deployment;
  private final String name;
  private final Future<RequestRouter> router;
  private final Object logLock = new Object();
  private String lastLogged;
  private long lastLoggedAt;
  private int unlogged;

  private RankedRouting(Vertx vertx, String deployment, String name, Future<RequestRouter> router) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.name = name;
    this.router = router;
  }

  /** The node's default router when it is not an immediate one. */
  static RankedRouting of(Vertx vertx, String deployment, RequestRouter router) {
    return new RankedRouting(vertx, deployment, router.getClass().getName(), Future.succeededFuture(router));
  }

  /** Loads the router a deployment names; its calls wait for it (or fall back, should it fail to load). */
  static RankedRouting load(Vertx vertx, String app, String deployment, RequestRouterConfig config, String code, String nodeId) {
    Future<RequestRouter> loading = vertx.executeBlocking(() -> RequestRouterLoader.find(code).load(config, code, app, deployment, nodeId), false);
    RankedRouting r = new RankedRouting(vertx, deployment, config.routerClass(), loading);
    loading.onFailure(e -> LOG.log(Level.WARNING, "request router " + config.routerClass() + " of deployment '" + deployment
        + "' (application '" + app + "') cannot be loaded; its calls are routed by power of two choices: " + e.getMessage()));
    return r;
  }

  /** The router's ranked groups for one call, as replicas of {@code candidates}; failed (and logged) when the router fails. */
  Future<List<List<RoutedReplica>>> rank(List<RoutedReplica> candidates, RequestRouter.PendingRequest request) {
    // one that could not be loaded was logged once, when it failed: no deadline, no log line per call
    if (router.failed()) return Future.failedFuture(router.cause());
    // decided on the caller's context (a proxy's event loop) when it has one, not on the thread that
    // answered (a Python router's own): the call is sent from there, a non-blocking method runs there
    Promise<List<List<RoutedReplica>>> out = dev.vserve.impl.CallerContext.promise();
    long timer = vertx.setTimer(DECISION_TIMEOUT_MS, t -> out.tryFail("it did not answer within " + DECISION_TIMEOUT_MS + " ms"));
    router.compose(r -> {
      Future<List<List<RequestRouter.Replica>>> f = r.chooseReplicas(List.copyOf(candidates), request);
      return f == null ? Future.failedFuture("it returned null, not a future") : f;
    }).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        out.tryFail(ar.cause());
        return;
      }
      try {
        out.tryComplete(resolve(ar.result(), candidates));
      } catch (RuntimeException bad) {
        out.tryFail(bad);
      }
    });
    return out.future().onFailure(this::logFailure);
  }

  /** Ray's {@code on_request_routed}; what it throws is logged, the call goes on. */
  void routed(RequestRouter.PendingRequest request, RoutedReplica replica) {
    RequestRouter r = router.result();
    if (r == null) return;
    try {
      r.onRequestRouted(request, replica);
    } catch (RuntimeException e) {
      logFailure(new IllegalStateException("on_request_routed failed: " + e.getMessage(), e));
    }
  }

  void close() {
    router.onSuccess(r -> {
      if (r instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.log(Level.DEBUG, "closing request router " + name + " failed", e);
        }
      }
    });
  }

  private static List<List<RoutedReplica>> resolve(List<List<RequestRouter.Replica>> groups, List<RoutedReplica> candidates) {
    if (groups == null) throw new IllegalStateException("it answered null, not a list of groups");
    Map<String, RoutedReplica> byId = new HashMap<>();
    for (RoutedReplica c : candidates) byId.put(c.id, c);
    List<List<RoutedReplica>> out = new ArrayList<>(groups.size());
    for (List<RequestRouter.Replica> group : groups) {
      if (group == null) throw new IllegalStateException("it answered a null group");
      List<RoutedReplica> g = new ArrayList<>(group.size());
      for (RequestRouter.Replica r : group) {
        RoutedReplica c = r == null ? null : byId.get(r.id());
        if (c == null) throw new IllegalStateException("it answered a replica it was not given: " + (r == null ? "null" : r.id()));
        g.add(c);
      }
      out.add(g);
    }
    return out;
  }

  private void logFailure(Throwable t) {
    String why = t.getMessage() == null ? t.toString() : t.getMessage();
    String line;
    synchronized (logLock) {
      long now = System.nanoTime();
      if (why.equals(lastLogged) && now - lastLoggedAt < LOG_EVERY_NANOS) {
        unlogged++;
        return;
      }
      line = "request router " + name + " of deployment '" + deployment + "' failed; the call is routed by power of two choices: "
          + why + (unlogged > 0 ? " (and " + unlogged + " more failures since the last report)" : "");
      lastLogged = why;
      lastLoggedAt = now;
      unlogged = 0;
    }
    LOG.log(Level.WARNING, line);
  }
}
