package dev.vserve.impl.router;

import dev.vserve.impl.stream.RemoteStreams;
import io.vertx.core.Vertx;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The clients of one router's replicas: straight into this JVM when the replica is registered here
 * (looked up at each call: a replica may leave the registry while the router still lists it), else
 * over the event bus. Keeps the streams flowing in from other nodes, to end them if their node leaves.
 */
public final class ReplicaClients implements ReplicaClient.Factory {
  private final Vertx vertx;
  private final Function<String, LocalReplica> locals;
  private final Set<RemoteStreams.Receiver> receivers = ConcurrentHashMap.newKeySet();

  public ReplicaClients(Vertx vertx, Function<String, LocalReplica> locals) {
    this.vertx = vertx;
    this.locals = locals;
  }

  @Override
  public ReplicaClient client(String address, String nodeId) {
    BusReplicaClient bus = new BusReplicaClient(vertx, address, nodeId, receivers);
    return (call, timeoutMs) -> {
      LocalReplica local = locals.apply(address);
      return local != null ? LocalReplicaClient.send(local, call, timeoutMs) : bus.send(call, timeoutMs);
    };
  }

  /** Streams from that node end at once with an error: their producer is gone. */
  @Override
  public void nodeLeft(String nodeId) {
    for (RemoteStreams.Receiver r : receivers) if (nodeId.equals(r.nodeId())) r.nodeLost();
  }
}
