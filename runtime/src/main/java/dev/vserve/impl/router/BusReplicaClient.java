package dev.vserve.impl.router;

import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import dev.vserve.impl.stream.RemoteStreams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.Set;

/**
 * A replica reached by its event-bus address (on another node, or not registered in this JVM). A
 * reply that starts a stream becomes a local channel its items flow into ({@link RemoteStreams}).
 */
final class BusReplicaClient implements ReplicaClient {
  /** The longest wait for the next items (or for room) of a stream between nodes: a stalled producer's limit. */
  private static final long STREAM_EXCHANGE_MS = 120_000;

  private final Vertx vertx;
  private final String address;
  private final String nodeId;
  private final Set<RemoteStreams.Receiver> receivers;

  BusReplicaClient(Vertx vertx, String address, String nodeId, Set<RemoteStreams.Receiver> receivers) {
    this.vertx = vertx;
    this.address = address;
    this.nodeId = nodeId;
    this.receivers = receivers;
  }

  @Override
  public Future<Object> send(Call call, long timeoutMs) {
    DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(timeoutMs);
    return vertx.eventBus().<Object>request(address, call, opts).transform(ar -> {
      if (ar.failed()) {
        Throwable t = ar.cause();
        boolean refused = t instanceof ReplyException re
            && (re.failureCode() == Failures.REJECTED || re.failureType() == ReplyFailure.NO_HANDLERS);
        return Future.failedFuture(refused ? REFUSED : t);
      }
      Object body = ar.result().body();
      RemoteStreams.Start stream = RemoteStreams.Start.revive(body);
      if (stream == null) return Future.succeededFuture(body);
      RemoteStreams.Receiver r = RemoteStreams.Receiver.start(ar.result(), nodeId, Math.max(timeoutMs, STREAM_EXCHANGE_MS), receivers);
      return Future.succeededFuture(r.reply(stream.mediaType()));
    });
  }
}
