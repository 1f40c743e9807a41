package dev.vserve.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Which nodes are in the cluster, and word when one leaves (a node that joins announces itself
 * once its agent is up, see {@code NodeAgentVerticle#JOINED}). Node ids are the cluster
 * manager's. Listeners run on a cluster thread, never an event loop: they must hand work over.
 */
public abstract class Membership {
  private final List<Consumer<String>> left = new CopyOnWriteArrayList<>();

  /** The membership of {@code vertx}'s cluster, or of a cluster of one when it is not clustered. */
  public static Membership of(Vertx vertx, String singleNodeId) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    if (cm instanceof HazelcastClusterManager hz) return new HazelcastMembership(hz);
    if (cm != null) throw new IllegalStateException("vserve clusters through Hazelcast; got " + cm.getClass().getName());
    return new Single(singleNodeId);
  }

  public abstract Set<String> nodes();

  public void onLeft(Consumer<String> listener) {
    left.add(listener);
  }

  public void removeListener(Consumer<String> listener) {
    left.remove(listener);
  }

  public abstract void close();

  protected void fireLeft(String nodeId) {
    for (Consumer<String> l : left) l.accept(nodeId);
  }

  private static final class Single extends Membership {
    private final String id;

    Single(String id) {
      this.id = id;
    }

    @Override public Set<String> nodes() { return Set.of(id); }
    @Override public void close() {}
  }
}
