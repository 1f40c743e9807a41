package dev.vserve.cli;

import dev.vserve.impl.app.ApplicationPlan;
import dev.vserve.impl.app.DeploymentPlan;
import dev.vserve.node.ApplicationTargets;
import dev.vserve.spi.ApplicationLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vserve build TARGET...}: a serve config with every deployment's settings written out, as
 * Ray's {@code serve build}, to edit and pass to {@code vserve deploy} or {@code vserve run}.
 */
@Command(name = "build", mixinStandardHelpOptions = true, customSynopsis = "vserve build TARGET... [-o FILE]",
    description = "Write a serve config (YAML) for applications, with every deployment's options, ready to edit and deploy.")
final class BuildCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TARGET", arity = "1..*", description = "a Java class with a static `app` (or Class:field), or a Python file")
  List<String> targets;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of printing")
  Path output;

  @Override
  public Integer call() {
    List<Object> apps = new ArrayList<>();
    try {
      List<ApplicationLoader.Loaded> read = ApplicationTargets.loadAll(targets);
      for (int i = 0; i < targets.size(); i++) {
        ApplicationLoader.Loaded l = read.get(i);
        String name = l.name() != null ? l.name() : targets.size() == 1 ? "default" : "app" + (i + 1);
        String prefix = l.routePrefix() != null ? l.routePrefix() : i == 0 ? "/" : "/" + name;
        ApplicationPlan plan = ApplicationPlan.of(l.app(), name, prefix);
        List<Object> deployments = new ArrayList<>();
        for (DeploymentPlan d : plan.deployments()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", d.name());
          m.putAll(d.config().toMap());
          deployments.add(m);
        }
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("name", name);
        app.put("route_prefix", plan.routePrefix());
        app.put("import_path", targets.get(i));
        app.put("deployments", deployments);
        apps.add(app);
      }
    } catch (RuntimeException e) {
      System.err.println("vserve: " + e.getMessage());
      return 1;
    }
    String yaml = ConfigFiles.yaml(Map.of("applications", apps));
    if (output == null) {
      System.out.print(yaml);
      return 0;
    }
    try {
      Files.writeString(output, yaml);
      System.out.println("vserve: wrote " + output);
      return 0;
    } catch (IOException e) {
      System.err.println("vserve: cannot write " + output + ": " + e.getMessage());
      return 1;
    }
  }
}
