package dev.vserve;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/** A running vserve node: its controller, HTTP proxy and replicas on one Vert.x instance. */
public interface ServeNode {
  Vertx vertx();

  /** The port the HTTP proxy listens on. */
  int httpPort();

  /** Deploys (or redeploys) an application; completes when every replica is up and the route is live. */
  default Future<DeploymentHandle> deploy(Application app, String name, String routePrefix) {
    return deploy(app, name, routePrefix, java.util.Map.of());
  }

  /**
   * Deploys with per-deployment overrides by deployment name, in a config file's terms (e.g.
   * {@code {"Adder": {"num_replicas": 2}}}, see {@link DeploymentConfig#apply}).
   */
  Future<DeploymentHandle> deploy(Application app, String name, String routePrefix,
                                  java.util.Map<String, ? extends java.util.Map<String, ?>> overrides);

  /** Removes an application: its route first, then its replicas after they drain. */
  Future<Void> delete(String appName);

  /** A handle to a deployment of a running application. */
  DeploymentHandle handle(String appName, String deploymentName);

  List<String> applications();

  /** Drains and stops every application and the proxy; closes Vert.x if the node created it. */
  Future<Void> close();
}
