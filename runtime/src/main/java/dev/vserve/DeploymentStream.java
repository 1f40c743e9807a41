package dev.vserve;

import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

/**
 * The items of a streaming call ({@link DeploymentHandle#stream}), as they come: a Vert.x
 * {@link ReadStream} with back-pressure ({@code pause}/{@code fetch} hold the producer back), or, on a
 * virtual or worker thread, an {@link Iterable} whose iterator blocks for the next item. Read it one
 * way only. {@link #cancel()} (or leaving it unread) stops the producer once its buffer is full.
 */
public interface DeploymentStream extends ReadStream<Object>, Iterable<Object> {
  /** Stops the producer; no more items are delivered. */
  void cancel();

  @Override DeploymentStream handler(Handler<Object> handler);
  @Override DeploymentStream exceptionHandler(Handler<Throwable> handler);
  @Override DeploymentStream endHandler(Handler<Void> handler);
  @Override DeploymentStream pause();
  @Override DeploymentStream resume();
  @Override DeploymentStream fetch(long amount);
}
