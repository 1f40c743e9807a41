package com.example;

import dev.vserve.DeploymentResponse;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;

/** Serving from your own {@code main}: a node on the port given (default 8000) until the process is stopped. */
public final class Main {
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    ServeNode node = DeploymentResponse.of(Serve.start(new ServeOptions().setHttpPort(port))).await();
    DeploymentResponse.of(node.deploy(Shout.app(), "shout", "/")).await();
    System.out.println("hello-vserve: serving at http://127.0.0.1:" + node.httpPort() + "/shout?word=hi");
  }
}
