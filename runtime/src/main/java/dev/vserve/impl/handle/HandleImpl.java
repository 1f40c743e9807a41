package dev.vserve.impl.handle;

import dev.vserve.DeploymentHandle;
import dev.vserve.DeploymentResponse;
import dev.vserve.DeploymentStream;
import dev.vserve.impl.stream.StreamReply;
import dev.vserve.ServeException;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.RequestIds;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.call.Call;
import io.vertx.core.Future;


/**
 * A handle bound to one method. A null deployment means "the application's ingress", looked up in
 * the route table at call time so that an app handle survives a redeploy.
 */
public final class HandleImpl implements DeploymentHandle {
  private final NodeContext ctx;
  private final String app;
  private final String deployment;
  private final String method;
  /** The multiplexed model its calls name; null: none. */
  private final String modelId;

  public HandleImpl(NodeContext ctx, String app, String deployment, String method) {
    this(ctx, app, deployment, method, null);
  }

  private HandleImpl(NodeContext ctx, String app, String deployment, String method, String modelId) {
    this.ctx = ctx;
    this.app = app;
    this.deployment = deployment;
    this.method = method;
    this.modelId = modelId;
  }

  @Override public String appName() { return app; }

  @Override
  public String deploymentName() {
    return deployment != null ? deployment : ingress();
  }

  @Override
  public DeploymentHandle method(String methodName) {
    return new HandleImpl(ctx, app, deployment, methodName, modelId);
  }

  @Override
  public DeploymentHandle multiplexed(String id) {
    return new HandleImpl(ctx, app, deployment, method, id == null || id.isEmpty() ? null : id);
  }

  @Override
  public DeploymentResponse<Object> remote(Object... args) {
    // the caller's trace, taken now: the call goes out when its arguments resolve, on another thread
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
    return DeploymentResponse.of(Arguments.resolve(args).compose(a -> send(a, trace)).map(HandleImpl::notAStream));
  }

  @Override
  public Future<DeploymentStream> stream(Object... args) {
    io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
    return send(args == null ? new Object[0] : args, io.opentelemetry.context.Context.current()).map(v -> {
      if (v instanceof StreamReply s) return new dev.vserve.impl.stream.DeploymentStreamImpl(s.channel(), context);
      throw new ServeException(400, "NotAStream", "method '" + method + "' of deployment '" + deploymentName()
          + "' does not return a stream; call remote()");
    });
  }

  /** A streaming method called with remote(): stop its producer and say what to call instead. */
  private static Object notAStream(Object v) {
    if (v instanceof StreamReply s) {
      s.channel().cancel();
      throw new ServeException(400, "StreamingMethod", "the method returns a stream: call stream() on the handle");
    }
    return v;
  }

  private Future<Object> send(Object[] args, io.opentelemetry.context.Context trace) {
    String target;
    try {
      target = deploymentName();
    } catch (ServeException e) {
      return Future.failedFuture(e);
    }
    long deadline = System.currentTimeMillis() + ctx.requestTimeoutMs();
    Call call = Call.method(RequestIds.next(), method, args, deadline, ctx.nodeId());
    if (modelId != null) call = call.withMultiplexedModelId(modelId);
    dev.vserve.impl.Telemetry.sink().handleCall(ctx.nodeId(), app, target, method);
    var router = ctx.router(app, target);
    // a child of the replica's span when called from a replica's code
    return ctx.tracing().route("route_to_replica", trace, app, target, method, call, router::call);
  }

  private String ingress() {
    RouteTable.Route r = ctx.routes().byApp(app);
    if (r == null) throw new ServeException(404, "NotFound", "no running application named '" + app + "'");
    return r.ingress();
  }

  @Override
  public <T> T as(Class<T> api) {
    return TypedView.of(this, api);
  }

  @Override
  public String toString() {
    return "DeploymentHandle(" + app + "/" + (deployment == null ? "<ingress>" : deployment) + "." + method + ")";
  }
}
