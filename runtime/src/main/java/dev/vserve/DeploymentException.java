package dev.vserve;

/**
 * User code in a replica threw: HTTP 500. {@link #errorType()} is the class name of what it threw
 * (Ray Serve's {@code RayTaskError}); the replica keeps serving.
 */
public class DeploymentException extends ServeException {
  public DeploymentException(String errorType, String message) {
    super(500, errorType, message);
  }
}
