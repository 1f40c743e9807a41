package dev.vserve.cli;

import dev.vserve.Application;
import dev.vserve.ServeConfig;
import dev.vserve.ServeOptions;
import dev.vserve.node.ApplicationTargets;
import dev.vserve.spi.ApplicationLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vserve run TARGET}: deploys an application (or a serve config's applications) and serves it. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    customSynopsis = "vserve run [OPTIONS] TARGET",
    description = "Deploy TARGET and serve it (onto the cluster with --cluster) until Ctrl-C or SIGTERM.")
final class RunCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TARGET", description = "a class name with a static `app` field or `app()` method returning an Application (`pkg.Class:name` or `pkg.Class.name` picks another field or method, as Ray's module:attr);%na Python file (`app.py` deploys its `app`, or what it passes to serve.run; `app.py:name` another attribute), or a serve config file (.yaml, .yml, .json) in Ray Serve's shape")
  String target;

  @Option(names = "--name", paramLabel = "APP", description = "application name (default \"default\")")
  String name = "default";

  @Option(names = "--route-prefix", paramLabel = "P", description = "route prefix (default \"/\")")
  String routePrefix = "/";

  @Mixin
  NodeOptions node;

  @Override
  public Integer call() {
    ServeOptions options = node.toServeOptions();
    List<ServeConfig.AppConfig> apps = new ArrayList<>();
    List<Application> graphs = new ArrayList<>();
    try {
      List<ServeConfig.AppConfig> wanted = isConfigFile(target) ? fromConfigFile(options) : List.of(new ServeConfig.AppConfig(target, name, routePrefix, Map.of()));
      List<ApplicationLoader.Loaded> read = ApplicationTargets.loadAll(wanted.stream().map(ServeConfig.AppConfig::importPath).toList());
      for (int i = 0; i < wanted.size(); i++) {
        ServeConfig.AppConfig a = wanted.get(i);
        ApplicationLoader.Loaded loaded = read.get(i);
        graphs.add(loaded.app());
        // a Python file's own serve.run(app, name=..., route_prefix=...) counts unless the command line said
        boolean one = wanted.size() == 1;
        apps.add(new ServeConfig.AppConfig(a.importPath(),
            loaded.name() != null && !node.given("--name") && one ? loaded.name() : a.name(),
            loaded.routePrefix() != null && !node.given("--route-prefix") && one ? loaded.routePrefix() : a.routePrefix(),
            a.deployments()));
      }
    } catch (RuntimeException e) {
      System.err.println("vserve: " + e.getMessage());
      return 1;
    }
    return NodeRunner.serve(options, apps, graphs);
  }

  /** The file's applications, with its HTTP options where the command line did not set them. */
  private List<ServeConfig.AppConfig> fromConfigFile(ServeOptions options) {
    ServeConfig config = ServeConfig.load(Path.of(target));
    ServeOptions file = config.options();
    if (!node.given("--port")) options.setHttpPort(file.getHttpPort()).setHttpEnabled(file.isHttpEnabled());
    if (!node.given("--host")) options.setHttpHost(file.getHttpHost());
    if (!node.given("--request-timeout-ms")) options.setRequestTimeoutMs(file.getRequestTimeoutMs());
    if (!node.given("--max-body-bytes")) options.setMaxRequestBodyBytes(file.getMaxRequestBodyBytes());
    if (!node.given("--header-timeout-ms")) options.setHeaderTimeoutMs(file.getHeaderTimeoutMs());
    if (!node.given("--body-timeout-ms")) options.setBodyTimeoutMs(file.getBodyTimeoutMs());
    if (config.applications().isEmpty()) throw new IllegalArgumentException(target + " lists no applications");
    return config.applications();
  }

  private static boolean isConfigFile(String target) {
    return target.endsWith(".yaml") || target.endsWith(".yml") || target.endsWith(".json");
  }
}
