package dev.vserve;

/**
 * Every replica is at {@code maxOngoingRequests} and the caller's queue is at
 * {@code maxQueuedRequests}: HTTP 503. Retry later, or raise the limits or the replica count.
 */
public class BackPressureException extends ServeException {
  public BackPressureException(String message) {
    super(503, "BackPressureError", message);
  }
}
