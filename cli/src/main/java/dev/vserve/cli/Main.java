package dev.vserve.cli;

import dev.vserve.Application;
import dev.vserve.DeploymentResponse;
import dev.vserve.ServeConfig;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.impl.PythonHostProperties;
import dev.vserve.impl.cluster.NodeInfo;
import dev.vserve.node.ApplicationTargets;
import dev.vserve.node.NodeImpl;
import dev.vserve.spi.ApplicationLoader;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code vserve} command line.
 *
 * <pre>
 * vserve run TARGET [options]     deploy and serve (onto the cluster with --cluster)
 * vserve start [options]          a node without applications (joins the cluster with --cluster)
 * vserve status [--address URL]   nodes, applications, deployments and replicas
 * </pre>
 * A Java TARGET is a class name whose static {@code app} field or {@code app()} method gives the
 * {@link Application}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (UsageException e) {
      System.err.println("vserve: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
  }

  static final String USAGE = """
      usage: vserve run TARGET [options]     deploy TARGET and serve it (onto the cluster with --cluster)
             vserve start [options]          start a node without applications (join the cluster with --cluster)
             vserve status [--address URL]   show nodes, applications, deployments and replicas (--json: raw)
        TARGET                 a class name with a static `app` field or `app()` method returning an Application,
                               a Python file (app.py, or app.py:name for another attribute than `app`),
                               or a serve config file (.yaml, .yml, .json) in Ray Serve's shape
        --port N               HTTP port of the proxy (default 8000; 0 picks a free one)
        --host H               address to listen on (default 127.0.0.1)
        --name APP             application name (default "default")
        --route-prefix P       route prefix (default "/")
        --request-timeout-ms N fail calls not answered in N ms with 504 (default 120000)
        --max-body-bytes N     answer 413 to larger request bodies (default 16 MiB)
        --header-timeout-ms N  close connections whose request head is not complete N ms after connecting
                               or after the previous response (keep-alive idle; default 30000)
        --body-timeout-ms N    answer 408 when a request body takes longer than N ms (default 60000)
        --cluster              join (or form) a cluster of nodes through Hazelcast
        --cluster-config FILE  Hazelcast XML (default: ./cluster.xml, loopback)
        --cluster-host H       the one address the cluster listens on (Hazelcast and the event bus; default
                               127.0.0.1); other nodes reach this node there
        --cluster-name NAME    the cluster's name, the same on every node (default on loopback: one derived
                               from this installation; required on any other address)
        --num-cpus N           CPUs this node offers for placement (default: its processors)
        --num-gpus N           GPUs this node offers (default 0)
        --memory BYTES         memory this node offers (default: its maximum heap)
        --resources JSON       custom resources this node offers, e.g. '{"accelerator": 1}'
        --allow-java-deployment CLASS
                               let Python code bind this Java class with java_deployment() though it is
                               not annotated @Deployment (repeatable; default: only @Deployment classes)
        --model-dir DIR        let Python code load model weights from DIR too, besides its own folder
                               (repeatable; ./vserve adds the examples' examples-java/models)""";

  /**
   * SIGTERM and SIGINT stop the node the graceful way (the shutdown hook drains it) and exit 0, as an
   * orchestrator expects of a requested stop; the JVM's own handlers would exit 143 and 130.
   */
  private static void exitZeroOnSignals() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name),
            sig -> Thread.ofPlatform().name("vserve-signal-" + name).start(() -> System.exit(0)));
      } catch (IllegalArgumentException e) {
        // the signal is not ours to handle (e.g. -Xrs, or ignored by a nohup parent): the JVM's default stays
      }
    }
  }

  private static void append(String property, String separator, String value) {
    String before = System.getProperty(property, "");
    System.setProperty(property, before.isEmpty() ? value : before + separator + value);
  }

  static int run(String[] args) {
    if (args.length == 0) throw new UsageException("no command given");
    exitZeroOnSignals();
    String command = args[0];
    int first;
    String target = null;
    switch (command) {
      case "run" -> {
        if (args.length < 2 || args[1].startsWith("--")) throw new UsageException("run needs a TARGET");
        target = args[1];
        first = 2;
      }
      case "start", "status" -> first = 1;
      default -> throw new UsageException("unknown command '" + command + "'");
    }
    ServeOptions options = new ServeOptions();
    String name = "default";
    String prefix = "/";
    String address = "http://127.0.0.1:" + ServeOptions.DEFAULT_HTTP_PORT;
    boolean json = false;
    java.util.Map<String, Double> resources = new java.util.TreeMap<>();
    java.util.Set<String> explicit = new java.util.HashSet<>();
    for (int i = first; i < args.length; i++) {
      String flag = args[i];
      explicit.add(flag);
      if (flag.equals("--cluster")) {
        options.setClustered(true);
        continue;
      }
      if (flag.equals("--json")) {
        json = true;
        continue;
      }
      if (i + 1 >= args.length) throw new UsageException("option " + flag + " needs a value");
      String value = args[++i];
      try {
        switch (flag) {
        case "--port" -> options.setHttpPort(intValue(flag, value));
        case "--host" -> options.setHttpHost(value);
        case "--name" -> name = value;
        case "--route-prefix" -> prefix = value;
        case "--request-timeout-ms" -> options.setRequestTimeoutMs(intValue(flag, value));
        case "--max-body-bytes" -> options.setMaxRequestBodyBytes(intValue(flag, value));
        case "--header-timeout-ms" -> options.setHeaderTimeoutMs(intValue(flag, value));
        case "--body-timeout-ms" -> options.setBodyTimeoutMs(intValue(flag, value));
        case "--cluster-config" -> options.setClusterConfig(value);
        case "--cluster-host" -> options.setClusterHost(value);
        case "--cluster-name" -> options.setClusterName(value);
        case "--num-cpus" -> resources.put(NodeInfo.CPU, numberValue(flag, value));
        case "--num-gpus" -> resources.put(NodeInfo.GPU, numberValue(flag, value));
        case "--memory" -> resources.put(NodeInfo.MEMORY, numberValue(flag, value));
        case "--resources" -> resources.putAll(customResources(value));
        case "--address" -> address = value;
        case "--allow-java-deployment" -> append(PythonHostProperties.ALLOW_JAVA_DEPLOYMENTS, ",", value);
        case "--model-dir" -> append(PythonHostProperties.MODEL_DIRS, java.io.File.pathSeparator, java.nio.file.Path.of(value).toAbsolutePath().toString());
        default -> throw new UsageException("unknown option " + flag);
        }
      } catch (UsageException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new UsageException(flag + ": " + e.getMessage());
      }
    }
    if (command.equals("status")) return StatusCommand.print(address, json);
    if (!resources.isEmpty()) options.setResources(resources);
    List<ServeConfig.AppConfig> apps;
    List<Application> graphs;
    try {
      if (target == null) {
        apps = List.of();
      } else if (isConfigFile(target)) {
        ServeConfig config = ServeConfig.load(Path.of(target));
        // the file's HTTP options, unless the command line set them
        ServeOptions file = config.options();
        if (!explicit.contains("--port")) options.setHttpPort(file.getHttpPort()).setHttpEnabled(file.isHttpEnabled());
        if (!explicit.contains("--host")) options.setHttpHost(file.getHttpHost());
        if (!explicit.contains("--request-timeout-ms")) options.setRequestTimeoutMs(file.getRequestTimeoutMs());
        if (!explicit.contains("--max-body-bytes")) options.setMaxRequestBodyBytes(file.getMaxRequestBodyBytes());
        if (!explicit.contains("--header-timeout-ms")) options.setHeaderTimeoutMs(file.getHeaderTimeoutMs());
        if (!explicit.contains("--body-timeout-ms")) options.setBodyTimeoutMs(file.getBodyTimeoutMs());
        apps = config.applications();
        if (apps.isEmpty()) throw new IllegalArgumentException(target + " lists no applications");
      } else {
        apps = List.of(new ServeConfig.AppConfig(target, name, prefix, Map.of()));
      }
      graphs = new java.util.ArrayList<>();
      List<ServeConfig.AppConfig> named = new java.util.ArrayList<>();
      for (ServeConfig.AppConfig a : apps) {
        ApplicationLoader.Loaded loaded = ApplicationTargets.load(a.importPath());
        graphs.add(loaded.app());
        // a Python file's own serve.run(app, name=..., route_prefix=...) counts unless the command line said
        named.add(new ServeConfig.AppConfig(a.importPath(),
            loaded.name() != null && !explicit.contains("--name") && apps.size() == 1 ? loaded.name() : a.name(),
            loaded.routePrefix() != null && !explicit.contains("--route-prefix") && apps.size() == 1 ? loaded.routePrefix() : a.routePrefix(),
            a.deployments()));
      }
      apps = named;
    } catch (RuntimeException e) {
      System.err.println("vserve: " + e.getMessage());
      return 1;
    }
    ServeNode node = null;
    try {
      node = DeploymentResponse.of(NodeImpl.start(options)).await();
      String where = options.isClustered() ? "cluster node " + ((NodeImpl) node).nodeId() : "node";
      System.out.println("vserve: " + where + " up, proxy at http://" + options.getHttpHost() + ":" + node.httpPort());
      for (int i = 0; i < apps.size(); i++) {
        ServeConfig.AppConfig a = apps.get(i);
        DeploymentResponse.of(node.deploy(graphs.get(i), a.name(), a.routePrefix(), a.deployments())).await();
        String p = a.routePrefix().startsWith("/") ? a.routePrefix() : "/" + a.routePrefix();
        System.out.println("vserve: application '" + a.name() + "' (" + a.importPath() + ") ready at http://"
            + options.getHttpHost() + ":" + node.httpPort() + p);
      }
    } catch (RuntimeException e) {
      System.err.println("vserve: " + e.getMessage());
      if (node != null) DeploymentResponse.of(node.close()).await();
      return 1;
    }
    ServeNode running = node;
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
    return 0;
  }

  private static boolean isConfigFile(String target) {
    return target.endsWith(".yaml") || target.endsWith(".yml") || target.endsWith(".json");
  }

  private static double numberValue(String flag, String v) {
    try {
      double d = Double.parseDouble(v);
      if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " expects a number >= 0, got '" + v + "'");
    }
  }

  private static java.util.Map<String, Double> customResources(String v) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    try {
      java.util.Map<?, ?> m = dev.vserve.impl.Json.MAPPER.readValue(v, java.util.Map.class);
      for (var e : m.entrySet()) {
        if (!(e.getValue() instanceof Number n) || n.doubleValue() < 0) throw new UsageException("--resources: '" + e.getKey() + "' must be a number >= 0");
        out.put(String.valueOf(e.getKey()), n.doubleValue());
      }
    } catch (java.io.IOException e) {
      throw new UsageException("--resources expects a JSON object of amounts, e.g. '{\"accelerator\": 1}', got '" + v + "'");
    }
    return out;
  }

  private static int intValue(String flag, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " expects a number, got '" + v + "'");
    }
  }

  static final class UsageException extends RuntimeException {
    UsageException(String m) {
      super(m);
    }
  }
}
