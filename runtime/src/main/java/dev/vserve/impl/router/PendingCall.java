package dev.vserve.impl.router;

import dev.vserve.RequestRouter;
import dev.vserve.impl.call.Call;
import io.vertx.core.Promise;

import java.util.List;

/** One call a {@link DeploymentRouter} routes: its envelope, its answer, and where it was sent. */
final class PendingCall implements RequestRouter.PendingRequest {
  final Call call;
  final Promise<Object> promise = dev.vserve.impl.CallerContext.promise();
  RoutedReplica slot;
  /** Counts sends; an answer to an older one than the current is stale. */
  int attempt;
  boolean retried;

  PendingCall(Call call) {
    this.call = call;
  }

  void fail(Throwable t) {
    promise.tryFail(t);
  }

  @Override public String requestId() { return call.requestId(); }
  @Override public String method() { return call.isHttp() ? "__call__" : call.method(); }
  @Override public List<Object> args() { return java.util.Arrays.asList(call.args()); }
  @Override public String multiplexedModelId() { return call.multiplexedModelId(); }
  @Override public String callerNode() { return call.callerNode(); }
}
