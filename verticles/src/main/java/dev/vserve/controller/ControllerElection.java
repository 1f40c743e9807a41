package dev.vserve.controller;

import dev.vserve.cluster.Membership;
import dev.vserve.impl.NodeContext;
import dev.vserve.node.VerticleDeployments;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;

import java.lang.System.Logger.Level;

/**
 * Makes this node the cluster's controller when it holds the cluster-wide lock {@link #LOCK}. Every
 * node keeps trying; Hazelcast releases a dead member's lock once the member is removed, so a
 * waiting node takes over within about a second of a controller's node dying.
 */
public final class ControllerElection {
  private static final System.Logger LOG = System.getLogger(ControllerElection.class.getName());
  static final String LOCK = "vserve.controller";
  private static final long WAIT_MS = 1000;

  private final Vertx vertx;
  private final NodeContext node;
  private final Membership membership;
  private Lock lock;
  private String controllerId;
  private boolean closed;

  public ControllerElection(Vertx vertx, NodeContext node, Membership membership) {
    this.vertx = vertx;
    this.node = node;
    this.membership = membership;
  }

  /**
   * Tries once at once, then keeps trying in the background. Completes when that first try is
   * settled: this node controls, or another node already does.
   */
  public Future<Boolean> start() {
    return attempt(1).onComplete(ar -> {
      if (ar.succeeded() && !ar.result()) keepTrying();
    });
  }

  private void keepTrying() {
    if (closed) return;
    attempt(WAIT_MS).onComplete(ar -> {
      // a lock held elsewhere already waited WAIT_MS; a controller that failed to start waits here
      if (ar.failed()) vertx.setTimer(WAIT_MS, t -> keepTrying());
      else if (!ar.result()) keepTrying();
    });
  }

  /** True once this node controls; false when the lock is held elsewhere. */
  private Future<Boolean> attempt(long waitMs) {
    return vertx.sharedData().getLockWithTimeout(LOCK, waitMs).transform(ar -> {
      if (ar.failed()) return Future.succeededFuture(false);
      Lock l = ar.result();
      if (closed) {
        l.release();
        return Future.succeededFuture(false);
      }
      lock = l;
      Promise<Boolean> up = Promise.promise();
      vertx.deployVerticle(new ControllerVerticle(node, membership)).onComplete(d -> {
        if (d.succeeded()) {
          controllerId = d.result();
          // news only in a cluster: a node alone always controls itself
          LOG.log(vertx.isClustered() ? Level.INFO : Level.DEBUG, "node " + node.nodeId() + " is the controller");
          up.complete(true);
        } else {
          LOG.log(Level.ERROR, "the controller failed to start on this node", d.cause());
          lock = null;
          l.release();
          up.fail(d.cause());
        }
      });
      return up.future();
    });
  }

  /** Stops controlling (if this node did) and lets another node take over. */
  public Future<Void> close() {
    closed = true;
    Future<Void> stopped = controllerId == null ? Future.succeededFuture() : VerticleDeployments.undeployIfPresent(vertx, controllerId);
    return stopped.onComplete(x -> {
      if (lock != null) lock.release();
      lock = null;
    });
  }
}
