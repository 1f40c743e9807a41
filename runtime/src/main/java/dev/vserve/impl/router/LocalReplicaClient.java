package dev.vserve.impl.router;

import dev.vserve.impl.call.Call;
import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;

/** A replica in this JVM, called straight onto its threads (no event-bus hop), under the same admission count. */
final class LocalReplicaClient {
  private static final Future<Object> REFUSED_NOW = Future.failedFuture(ReplicaClient.REFUSED);

  private LocalReplicaClient() {}

  static Future<Object> send(LocalReplica replica, Call call, long timeoutMs) {
    Future<Object> direct = replica.tryCall(call);
    return direct == null ? REFUSED_NOW : direct.timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
