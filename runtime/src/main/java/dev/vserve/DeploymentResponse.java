package dev.vserve;

import dev.vserve.impl.handle.DeploymentResponseImpl;
import io.vertx.core.Future;

/**
 * The result of a handle call: a Vert.x {@link Future}. Compose it, pass it as an argument to another
 * call (it is resolved first), or, off the event loop, {@link #await()} it. Note that {@code result()}
 * keeps Vert.x's meaning (null until complete); {@code await()} is Ray Serve's {@code .result()}.
 */
public interface DeploymentResponse<T> extends Future<T> {
  /** A future as a deployment response (to {@code await()} it, or convert it {@code as} a type). */
  static <T> DeploymentResponse<T> of(Future<T> future) {
    return future instanceof DeploymentResponse<T> r ? r : new DeploymentResponseImpl<>(future);
  }

  /** The same response, its value converted to {@code type} (JSON-compatible conversion). */
  <R> DeploymentResponse<R> as(Class<R> type);

  /**
   * Blocks until complete. Allowed on virtual threads and ordinary threads (where user code runs);
   * refused on an event loop, which it would stall.
   */
  @Override
  T await();
}
