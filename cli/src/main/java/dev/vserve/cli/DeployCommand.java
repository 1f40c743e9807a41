package dev.vserve.cli;

import dev.vserve.ServeConfig;
import dev.vserve.impl.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vserve deploy CONFIG}: the file is the whole desired state of the cluster's applications
 * (as Ray's {@code serve deploy}); checked here first, then sent to a node's admin API, which deploys
 * or updates what it lists and deletes the rest. Returns once the cluster runs it.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, customSynopsis = "vserve deploy CONFIG [--address URL] [--token TOKEN]",
    description = "Apply a serve config (YAML or JSON) to a running cluster: its applications are deployed or updated "
        + "(settings in place, changed code rolling), applications it does not list are deleted.")
final class DeployCommand implements Callable<Integer> {
  @Parameters(paramLabel = "CONFIG", description = "the serve config file")
  Path config;

  @Option(names = "--address", paramLabel = "URL", description = "a node's admin API (default " + AdminClient.DEFAULT_ADDRESS + ")")
  String address = AdminClient.DEFAULT_ADDRESS;

  @Option(names = "--token", paramLabel = "TOKEN", description = "the admin token (default: $" + AdminClient.TOKEN_ENV + ")")
  String token;

  @Override
  public Integer call() {
    Map<String, Object> raw;
    try {
      ServeConfig.load(config);
      raw = ConfigFiles.read(config);
    } catch (RuntimeException e) {
      System.err.println("vserve: " + e.getMessage());
      return 1;
    }
    try {
      String answer = new AdminClient(address, token).send("PUT", "/api/serve/applications/", Json.MAPPER.valueToTree(raw).toString(),
          Duration.ofMinutes(30));
      Map<?, ?> done = Json.MAPPER.readValue(answer, Map.class);
      System.out.println("vserve: deployed " + done.get("applications") + (((java.util.List<?>) done.get("deleted")).isEmpty() ? ""
          : "; deleted " + done.get("deleted")));
      return 0;
    } catch (AdminClient.Failed e) {
      System.err.println("vserve: " + e.getMessage());
      return 1;
    } catch (java.io.IOException e) {
      System.err.println("vserve: unreadable answer: " + e.getMessage());
      return 1;
    }
  }
}
