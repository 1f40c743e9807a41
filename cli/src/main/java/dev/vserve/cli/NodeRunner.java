package dev.vserve.cli;

import dev.vserve.Application;
import dev.vserve.DeploymentResponse;
import dev.vserve.ServeConfig;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.node.NodeImpl;

import java.net.BindException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Starts a node, deploys the applications, announces where they are, and holds until the process is stopped. */
final class NodeRunner {
  private NodeRunner() {}

  static int serve(ServeOptions options, List<ServeConfig.AppConfig> apps, List<Application> graphs) {
    ServeNode node = null;
    try {
      node = DeploymentResponse.of(NodeImpl.start(options)).await();
      String where = options.isClustered() ? "cluster node " + ((NodeImpl) node).nodeId() : "node";
      System.out.println("vserve: " + where + " up, proxy at http://" + options.getHttpHost() + ":" + node.httpPort());
      announceAdmin((NodeImpl) node, options);
      // all at once, as Ray deploys a config's applications: their replicas start side by side
      List<io.vertx.core.Future<?>> deploys = new java.util.ArrayList<>();
      for (int i = 0; i < apps.size(); i++) {
        ServeConfig.AppConfig a = apps.get(i);
        if (a.autoscalingPolicy() != null) graphs.get(i).withAutoscalingPolicy(a.autoscalingPolicy());
        deploys.add(node.deploy(graphs.get(i), a.name(), a.routePrefix(), a.deployments()));
      }
      for (int i = 0; i < apps.size(); i++) {
        ServeConfig.AppConfig a = apps.get(i);
        DeploymentResponse.of(deploys.get(i)).await();
        String p = a.routePrefix().startsWith("/") ? a.routePrefix() : "/" + a.routePrefix();
        System.out.println("vserve: application '" + a.name() + "' (" + a.importPath() + ") ready at http://"
            + options.getHttpHost() + ":" + node.httpPort() + p);
      }
    } catch (RuntimeException e) {
      System.err.println("vserve: " + explain(e, options));
      if (node != null) DeploymentResponse.of(node.close()).await();
      return 1;
    }
    awaitStop(node);
    return 0;
  }

  /**
   * Where the admin API is, and its token when the node made one up (the operator needs it for
   * {@code vserve deploy}); a shutdown requested through it ends this process the graceful way.
   */
  private static void announceAdmin(NodeImpl node, ServeOptions options) {
    if (node.adminPort() >= 0) {
      System.out.println("vserve: admin API at http://" + options.getAdminHost() + ":" + node.adminPort()
          + (options.getAdminToken() == null ? " (token " + node.adminToken() + "; or set " + AdminClient.TOKEN_ENV + " before starting)" : ""));
    }
    // every node of the cluster, whether it has an admin API of its own or not
    node.vertx().eventBus().consumer(dev.vserve.admin.AdminVerticle.SHUTDOWN, m -> {
      System.out.println("vserve: shutdown requested through the admin API");
      Thread.ofPlatform().name("vserve-admin-shutdown").start(() -> System.exit(0));
    });
  }

  /** The failure in a user's words: a busy port names the port and the way out. */
  static String explain(Throwable e, ServeOptions options) {
    if (e.getMessage() != null && e.getMessage().startsWith("the admin API")) return e.getMessage() + "; choose another with --admin-port N";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return "cannot listen on " + options.getHttpHost() + ":" + options.getHttpPort() + " (" + t.getMessage()
            + "): another process uses that port; choose another with --port N (0 picks a free one)";
      }
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** SIGTERM and Ctrl-C run the shutdown hook: stop taking requests, drain, then exit (0, see Main). */
  private static void awaitStop(ServeNode running) {
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("vserve: shutting down, draining requests");
      try {
        DeploymentResponse.of(running.close()).await();
      } catch (RuntimeException e) {
        System.err.println("vserve: shutdown: " + e.getMessage());
      }
      stopped.countDown();
      System.out.println("vserve: stopped");
    }, "vserve-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
