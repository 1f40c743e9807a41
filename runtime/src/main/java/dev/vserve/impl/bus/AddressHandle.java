package dev.vserve.impl.bus;

import dev.vserve.DeploymentHandle;
import dev.vserve.DeploymentResponse;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.handle.Arguments;
import dev.vserve.impl.handle.TypedView;
import dev.vserve.impl.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;


/**
 * A handle for Vert.x code that does not run the application: calls go to the deployment's stable
 * address ({@link DeploymentAddress}), where a vserve node routes them, in this JVM or across a
 * clustered event bus. Arguments and results travel as JSON.
 */
public final class AddressHandle implements DeploymentHandle {
  private final Vertx vertx;
  private final String app;
  private final String deployment;
  private final String method;
  private final long timeoutMs;

  public AddressHandle(Vertx vertx, String app, String deployment, String method, long timeoutMs) {
    this.vertx = vertx;
    this.app = app;
    this.deployment = deployment;
    this.method = method;
    this.timeoutMs = timeoutMs;
  }

  @Override public String appName() { return app; }
  @Override public String deploymentName() { return deployment; }

  @Override
  public DeploymentHandle method(String methodName) {
    return new AddressHandle(vertx, app, deployment, methodName, timeoutMs);
  }

  @Override
  public DeploymentResponse<Object> remote(Object... args) {
    Future<Object> sent = Arguments.resolve(args).compose(resolved -> {
      JsonArray json = new JsonArray();
      for (Object o : resolved) json.add(Json.MAPPER.convertValue(o, Object.class));
      JsonObject body = new JsonObject().put("method", method).put("args", json);
      return vertx.eventBus().<JsonObject>request(DeploymentAddress.of(app, deployment), body,
              new DeliveryOptions().setSendTimeout(timeoutMs))
          .map(m -> (Object) m.body().getValue("result"))
          .recover(err -> Future.failedFuture(Failures.toServeException(err)));
    });
    return DeploymentResponse.of(sent);
  }

  @Override
  public Future<dev.vserve.DeploymentStream> stream(Object... args) {
    return Future.failedFuture(new dev.vserve.ServeException(501, "NotImplemented",
        "streaming over a deployment's event-bus address is not supported yet; use a handle of a node running the app"));
  }

  @Override
  public <T> T as(Class<T> api) {
    return TypedView.of(this, api);
  }

  @Override
  public String toString() {
    return "DeploymentHandle(" + DeploymentAddress.of(app, deployment) + "." + method + ")";
  }
}
