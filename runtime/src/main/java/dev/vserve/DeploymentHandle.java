package dev.vserve;

/**
 * The caller's view of a deployment: Ray Serve's {@code DeploymentHandle}. Calls are routed to a
 * replica and return at once with a {@link DeploymentResponse}, a Vert.x {@code Future}.
 *
 * <pre>{@code
 * DeploymentResponse<Object> sum = adder.method("add").remote(1);
 * combiner.method("average").remote(sum, other);   // responses as arguments are resolved first
 * }</pre>
 */
public interface DeploymentHandle {
  /** The method called by {@link #remote} when none is named, as Ray Serve's {@code __call__}. */
  String DEFAULT_METHOD = "call";

  String appName();

  String deploymentName();

  /** A handle whose calls go to {@code methodName}. */
  DeploymentHandle method(String methodName);

  /**
   * A handle whose calls name the multiplexed model {@code modelId} (Ray's
   * {@code handle.options(multiplexed_model_id=...)}): they go to a replica that holds it when one can
   * take them, and the callee's {@link MultiplexedModels#currentModelId()} is {@code modelId}.
   */
  default DeploymentHandle multiplexed(String modelId) {
    throw new UnsupportedOperationException("this handle cannot name a multiplexed model: " + this);
  }

  /**
   * Calls the method on a replica. Arguments that are futures (such as other responses) are
   * awaited first and their results passed in their place.
   */
  DeploymentResponse<Object> remote(Object... args);

  /**
   * Calls a method that returns items one by one (an {@code Iterator} or {@code Stream}), as Ray
   * Serve's {@code handle.options(stream=True)}: the future completes as soon as the stream starts.
   */
  io.vertx.core.Future<DeploymentStream> stream(Object... args);

  /**
   * A typed view: every method of {@code api} calls the deployment's method of the same name. Methods
   * returning {@code Future<T>} (or {@link DeploymentResponse}) are asynchronous; other return types
   * block the calling thread, which must not be an event loop.
   */
  <T> T as(Class<T> api);
}
