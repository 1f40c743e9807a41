package dev.vserve.testing;

import dev.vserve.Application;
import dev.vserve.DeploymentHandle;
import dev.vserve.DeploymentResponse;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;

/** Starts embedded nodes on free ports for tests. */
public final class Nodes {
  private Nodes() {}

  public static ServeNode start() {
    return start(new ServeOptions());
  }

  public static ServeNode start(ServeOptions options) {
    return DeploymentResponse.of(Serve.start(options.setHttpPort(0))).await();
  }

  public static DeploymentHandle deploy(ServeNode node, Application app, String name, String prefix) {
    return DeploymentResponse.of(node.deploy(app, name, prefix)).await();
  }

  public static void close(ServeNode node) {
    if (node != null) DeploymentResponse.of(node.close()).await();
  }
}
