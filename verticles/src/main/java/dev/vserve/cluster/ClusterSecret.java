package dev.vserve.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * A secret every node of a cluster shares (made by the first node that asks, kept in the cluster's
 * Hazelcast): what signs values only vserve may have made, such as pickled Python objects crossing
 * nodes. A node alone makes its own.
 */
public final class ClusterSecret implements Supplier<byte[]> {
  private static final String MAP = "vserve.secrets";
  private final Vertx vertx;
  private volatile byte[] secret;

  private ClusterSecret(Vertx vertx) {
    this.vertx = vertx;
  }

  public static Supplier<byte[]> of(Vertx vertx) {
    return new ClusterSecret(vertx);
  }

  /** The secret; the first call of a clustered node asks Hazelcast (it blocks: not on an event loop). */
  @Override
  public byte[] get() {
    byte[] s = secret;
    if (s != null) return s;
    synchronized (this) {
      if (secret == null) {
        byte[] mine = new byte[32];
        new SecureRandom().nextBytes(mine);
        String encoded = Base64.getEncoder().encodeToString(mine);
        if (((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager hz) {
          String shared = hz.getHazelcastInstance().<String, String>getMap(MAP).putIfAbsent("values", encoded);
          if (shared != null) encoded = shared;
        }
        secret = Base64.getDecoder().decode(encoded);
      }
      return secret;
    }
  }
}
