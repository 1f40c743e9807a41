package dev.vserve.spi;

/**
 * One call as a replica's code receives it: either an HTTP request for the ingress ({@link #isHttp()};
 * its one argument is the {@link dev.vserve.Request}) or a method call by name with arguments.
 */
public interface ReplicaCall {
  String requestId();

  /** The method called; null for an HTTP request (see {@link #isHttp()}). */
  String method();

  Object[] args();

  /** Wall-clock millis after which the caller has given up (0: none). */
  long deadlineMs();

  /** An HTTP request routed to the ingress: {@code args()[0]} is the request. */
  boolean isHttp();

  /** The multiplexed model the call names (the {@code serve_multiplexed_model_id} header, or the handle's); null: none. */
  String multiplexedModelId();
}
