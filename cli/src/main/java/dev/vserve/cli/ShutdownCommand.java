package dev.vserve.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code vserve shutdown}: deletes every application of the cluster, and with {@code --nodes} stops the nodes too. */
@Command(name = "shutdown", mixinStandardHelpOptions = true, customSynopsis = "vserve shutdown [--nodes] [--address URL] [--token TOKEN]",
    description = "Delete every application of the cluster (replicas drain first); with --nodes, then stop every node.")
final class ShutdownCommand implements Callable<Integer> {
  @Option(names = "--address", paramLabel = "URL", description = "a node's admin API (default " + AdminClient.DEFAULT_ADDRESS + ")")
  String address = AdminClient.DEFAULT_ADDRESS;

  @Option(names = "--token", paramLabel = "TOKEN", description = "the admin token (default: $" + AdminClient.TOKEN_ENV + ")")
  String token;

  @Option(names = "--nodes", description = "also stop every node of the cluster (each drains, then its process exits)")
  boolean nodes;

  @Override
  public Integer call() {
    AdminClient admin = new AdminClient(address, token);
    try {
      System.out.println("vserve: deleted " + admin.send("DELETE", "/api/serve/applications/", null, Duration.ofMinutes(5)));
      if (nodes) {
        admin.send("POST", "/api/vserve/nodes/shutdown", "{}", Duration.ofSeconds(30));
        System.out.println("vserve: every node is shutting down");
      }
      return 0;
    } catch (AdminClient.Failed e) {
      System.err.println("vserve: " + e.getMessage());
      return 1;
    }
  }
}
