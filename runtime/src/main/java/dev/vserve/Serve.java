package dev.vserve;

import dev.vserve.spi.ServeBackend;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.ServiceLoader;

/**
 * Ray Serve's {@code serve} module for Java: define, run and reach deployments on an embedded node.
 * The blocking methods here are for {@code main} and tests; inside Vert.x use {@link ServeNode}.
 */
public final class Serve {
  private static ServeNode defaultNode;

  private Serve() {}

  public static <T> DeploymentSpec<T> deployment(Class<T> type) {
    return DeploymentSpec.of(type);
  }

  /** Starts a node with these options (no default node is set). */
  public static Future<ServeNode> start(ServeOptions options) {
    ServeBackend backend = ServiceLoader.load(ServeBackend.class).findFirst().orElseThrow(() ->
        new IllegalStateException("no vserve backend on the class path: add the vserve-verticles module"));
    return backend.start(options);
  }

  /** Runs {@code app} as application "default" at route prefix "/" on the default node. */
  public static DeploymentHandle run(Application app) {
    return run(app, "default", "/");
  }

  /**
   * Starts the default node on first use (port 8000), deploys {@code app} under {@code name} at
   * {@code routePrefix}, waits until it is ready, and returns the ingress handle.
   */
  public static DeploymentHandle run(Application app, String name, String routePrefix) {
    return block(defaultNode(new ServeOptions()).deploy(app, name, routePrefix));
  }

  /** Starts the default node with {@code options} unless one is running, and returns it. */
  public static synchronized ServeNode defaultNode(ServeOptions options) {
    if (defaultNode == null) defaultNode = block(start(options));
    return defaultNode;
  }

  /**
   * A handle from any Vert.x instance (clustered or not) that does not run the application itself:
   * calls go over the event bus to {@code vserve.<app>.<deployment>}, where a vserve node routes them.
   */
  public static DeploymentHandle handle(io.vertx.core.Vertx vertx, String appName, String deploymentName) {
    return new dev.vserve.impl.bus.AddressHandle(vertx, appName, deploymentName, DeploymentHandle.DEFAULT_METHOD,
        new ServeOptions().getRequestTimeoutMs());
  }

  public static DeploymentHandle getAppHandle(String appName) {
    return handle(appName, null);
  }

  public static DeploymentHandle getDeploymentHandle(String deploymentName, String appName) {
    return handle(appName, deploymentName);
  }

  private static synchronized DeploymentHandle handle(String appName, String deploymentName) {
    if (defaultNode == null) throw new IllegalStateException("serve is not running: call Serve.run first");
    return defaultNode.handle(appName, deploymentName);
  }

  public static void delete(String appName) {
    ServeNode node;
    synchronized (Serve.class) { node = defaultNode; }
    if (node != null) block(node.delete(appName));
  }

  /** Drains and stops the default node. */
  public static void shutdown() {
    ServeNode node;
    synchronized (Serve.class) {
      node = defaultNode;
      defaultNode = null;
    }
    if (node != null) block(node.close());
  }

  private static <T> T block(Future<T> f) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Serve's blocking methods cannot run on an event loop; use ServeNode");
    }
    return DeploymentResponse.of(f).await();
  }
}
