package dev.vserve.spi;

import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import io.vertx.core.Future;

/**
 * What {@link dev.vserve.Serve} starts nodes with, found through {@link java.util.ServiceLoader} so
 * that the API module needs no HTTP or cluster code. The {@code verticles} module provides it.
 */
public interface ServeBackend {
  Future<ServeNode> start(ServeOptions options);
}
