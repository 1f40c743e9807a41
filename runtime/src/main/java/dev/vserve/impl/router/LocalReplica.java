package dev.vserve.impl.router;

import dev.vserve.impl.call.Call;
import io.vertx.core.Future;

/**
 * A replica running in this JVM, callable without the event bus. Routers use it for replicas on
 * their own node: the call goes straight to the replica's worker threads, saving the hop through the
 * replica's event loop; remote callers and plain verticles still reach it by its address.
 */
public interface LocalReplica {
  /**
   * Runs the call if the replica has room, under the same {@code maxOngoingRequests} count as
   * event-bus calls. Returns null when it is full (the router treats that as a refusal).
   */
  Future<Object> tryCall(Call call);
}
