package dev.vserve.impl.call;

/**
 * The envelope of one call to a replica. In one JVM it travels by reference; across nodes the codec
 * writes it as JSON and the replica converts {@code args} to the parameter types of the method.
 *
 * @param deadlineMs wall-clock millis after which the caller has given up (0: none)
 * @param idempotent the caller allows running it twice: lost with a node, it is retried once elsewhere
 */
public record Call(
    String requestId,
    String method,
    Object[] args,
    String multiplexedModelId,
    long deadlineMs,
    String callerNode,
    boolean idempotent) implements dev.vserve.spi.ReplicaCall {

  /** The method name the proxy calls: the replica routes the {@code Request} to a handler method. */
  public static final String HTTP = "__http__";

  @Override
  public boolean isHttp() {
    return HTTP.equals(method);
  }
}
