package dev.vserve;

/**
 * Every replica is at {@code maxOngoingRequests} and the caller's queue is at
 * {@code maxQueuedRequests}: HTTP 503 (or the deployment's {@link BackpressureConfig}). Retry later,
 * or raise the limits or the replica count.
 */
public class BackPressureException extends ServeException {
  private final Double retryAfterS;

  public BackPressureException(String message) {
    this(message, 503, null);
  }

  public BackPressureException(String message, int status, Double retryAfterS) {
    super(status, "BackPressureError", message);
    this.retryAfterS = retryAfterS;
  }

  /** Seconds a client should wait before it tries again, or null when the deployment says none. */
  public Double retryAfterS() {
    return retryAfterS;
  }
}
