package dev.vserve.node;

import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.spi.ServeBackend;
import io.vertx.core.Future;

/** Binds {@link dev.vserve.Serve} to the embedded node of this module. */
public final class NodeBackend implements ServeBackend {
  @Override
  public Future<ServeNode> start(ServeOptions options) {
    return NodeImpl.start(options);
  }
}
