package dev.vserve.impl.router;

import dev.vserve.impl.call.Call;
import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;

/** A replica in this JVM, called straight onto its threads (no event-bus hop), under the same admission count. */
final class LocalReplicaClient implements ReplicaClient {
  private static final Future<Object> REFUSED_NOW = Future.failedFuture(REFUSED);
  private final LocalReplica replica;

  LocalReplicaClient(LocalReplica replica) {
    this.replica = replica;
  }

  @Override
  public Future<Object> send(Call call, long timeoutMs) {
    Future<Object> direct = replica.tryCall(call);
    return direct == null ? REFUSED_NOW : direct.timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
