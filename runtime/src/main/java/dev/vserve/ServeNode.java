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
  Future<DeploymentHandle> deploy(Application app, String name, String routePrefix);

  /** Removes an application: its route first, then its replicas after they drain. */
  Future<Void> delete(String appName);

  /** A handle to a deployment of a running application. */
  DeploymentHandle handle(String appName, String deploymentName);

  List<String> applications();

  /** Drains and stops every application and the proxy; closes Vert.x if the node created it. */
  Future<Void> close();
}
