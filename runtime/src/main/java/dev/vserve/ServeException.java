package dev.vserve;

/**
 * A failed call, with the HTTP status the proxy answers for it and a short error type name.
 * Subclasses name the common cases; user exceptions reach callers as {@link DeploymentException}.
 */
public class ServeException extends RuntimeException {
  private final int status;
  private final String errorType;

  public ServeException(int status, String errorType, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorType = errorType;
  }

  public int status() { return status; }

  public String errorType() { return errorType; }
}
