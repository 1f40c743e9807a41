package dev.vserve.python.impl;

import dev.vserve.DeploymentException;
import dev.vserve.ServeException;
import org.graalvm.polyglot.PolyglotException;

/** What a failure that escaped Python (a refusal of the host's, an exit) means to the caller. */
final class Sandbox {
  private Sandbox() {}

  /** The host's refusals, as GraalPy words them (they reach Python as exceptions it cannot catch). */
  static boolean refused(String message) {
    return message.contains("SecurityException") || message.contains("is not allowed")
        || message.contains("was excluded") || message.contains("access has been denied");
  }

  static Throwable failure(Throwable t) {
    if (t instanceof ServeException) return t;
    if (t instanceof PolyglotException pe) {
      if (pe.isExit()) {
        return new DeploymentException("SystemExit", "the deployment's Python code tried to exit the process (status "
            + pe.getExitStatus() + "); refused by the vserve sandbox");
      }
      if (pe.isCancelled()) return new DeploymentException("Cancelled", "the replica's Python code was cancelled");
      if (pe.isResourceExhausted()) return new DeploymentException("MemoryError", String.valueOf(pe.getMessage()));
      if (pe.isHostException() && pe.asHostException() instanceof ServeException se) return se;
    }
    String message = String.valueOf(t.getMessage());
    if (refused(message)) return new DeploymentException("PermissionError", "refused by the vserve sandbox: " + message);
    return new DeploymentException(t.getClass().getSimpleName(), message);
  }
}
