package dev.vserve.impl.router;

import dev.vserve.impl.call.Call;
import io.vertx.core.Future;

/**
 * The way to one replica, for its deployment's router: in this JVM ({@link LocalReplicaClient}) or
 * over the event bus ({@link BusReplicaClient}). One result type either way: the call's value, or a
 * {@link dev.vserve.impl.stream.StreamReply} whose items follow, or a failure; a replica that is full
 * fails with {@link #REFUSED}, and the router offers the call again.
 */
public interface ReplicaClient {
  /** The failure of a call the replica refused (at {@code maxOngoingRequests}, or gone from this address). */
  RuntimeException REFUSED = new RefusedException();

  /** Sends one call; the future fails after {@code timeoutMs} if no answer came. */
  Future<Object> send(Call call, long timeoutMs);

  /** Makes the client of a replica at {@code address} on {@code nodeId}. */
  interface Factory {
    ReplicaClient client(String address, String nodeId);

    /** A node left the cluster: whatever flows in from it has stopped. */
    default void nodeLeft(String nodeId) {}
  }

  final class RefusedException extends RuntimeException {
    private RefusedException() {
      super("the replica refused the call", null, false, false);
    }
  }
}
