package dev.vserve.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Undeploying what may already be gone: Vert.x undeploys child verticles before their parent stops. */
public final class VerticleDeployments {
  private VerticleDeployments() {}

  public static Future<Void> undeployIfPresent(Vertx vertx, String deploymentId) {
    return deploymentId != null && vertx.deploymentIDs().contains(deploymentId)
        ? vertx.undeploy(deploymentId) : Future.succeededFuture();
  }
}
