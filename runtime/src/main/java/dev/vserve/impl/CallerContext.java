package dev.vserve.impl;

import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

/** The Vert.x context of the code making a call, where its answer should arrive. */
public final class CallerContext {
  private CallerContext() {}

  /**
   * A promise completed on the caller's context (a proxy's or handle's event loop) when it has one,
   * as an event-bus reply would be, so what follows runs there and not on the thread that answered.
   */
  public static <T> Promise<T> promise() {
    return ContextInternal.current() instanceof ContextInternal ctx ? ctx.promise() : Promise.promise();
  }
}
