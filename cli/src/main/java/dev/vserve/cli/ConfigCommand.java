package dev.vserve.cli;

import dev.vserve.impl.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vserve config}: the serve config the cluster runs (what {@code vserve deploy} applied), as YAML. */
@Command(name = "config", mixinStandardHelpOptions = true, customSynopsis = "vserve config [--address URL] [--name APP]",
    description = "Print the serve config the cluster's applications were deployed with (YAML), ready to edit and deploy again.")
final class ConfigCommand implements Callable<Integer> {
  @Option(names = "--address", paramLabel = "URL", description = "a node's admin API (default " + AdminClient.DEFAULT_ADDRESS + ")")
  String address = AdminClient.DEFAULT_ADDRESS;

  @Option(names = "--name", paramLabel = "APP", description = "only this application")
  String name;

  @Override
  public Integer call() {
    try {
      Map<?, ?> details = Json.MAPPER.readValue(new AdminClient(address, null).send("GET", "/api/serve/applications/", null,
          Duration.ofSeconds(30)), Map.class);
      List<Object> apps = new ArrayList<>();
      for (Object o : ((Map<?, ?>) details.get("applications")).values()) {
        Map<?, ?> app = (Map<?, ?>) o;
        if (name != null && !name.equals(app.get("name"))) continue;
        if (app.get("deployed_app_config") != null) apps.add(app.get("deployed_app_config"));
      }
      if (name != null && apps.isEmpty()) {
        System.err.println("vserve: no application '" + name + "' was deployed with vserve deploy");
        return 1;
      }
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("applications", apps);
      System.out.print(ConfigFiles.yaml(config));
      return 0;
    } catch (AdminClient.Failed e) {
      System.err.println("vserve: " + e.getMessage());
      return 1;
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("vserve: unreadable answer: " + e.getMessage());
      return 1;
    }
  }
}
