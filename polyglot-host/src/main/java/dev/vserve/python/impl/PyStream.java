package dev.vserve.python.impl;

import dev.vserve.DeploymentStream;
import io.vertx.core.Future;

import java.util.Iterator;

/** A streaming call made from Python: its items, read one at a time by waiting threads. */
final class PyStream {
  private final Future<DeploymentStream> started;
  private Iterator<Object> items;

  PyStream(Future<DeploymentStream> started) {
    this.started = started;
  }

  synchronized Iterator<Object> iterator() {
    if (items == null) {
      DeploymentStream s = started.toCompletionStage().toCompletableFuture().join();
      items = s.iterator();
    }
    return items;
  }

  void cancel() {
    started.onSuccess(DeploymentStream::cancel);
  }
}
