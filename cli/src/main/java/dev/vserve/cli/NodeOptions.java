package dev.vserve.cli;

import dev.vserve.ServeOptions;
import dev.vserve.impl.PythonHostProperties;
import dev.vserve.impl.cluster.NodeInfo;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The options of a node, shared by {@code run} and {@code start}. */
final class NodeOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--port", paramLabel = "N", description = "HTTP port of the proxy (default 8000; 0 picks a free one)")
  int port = ServeOptions.DEFAULT_HTTP_PORT;

  @Option(names = "--host", paramLabel = "H", description = "address the proxy listens on (default 127.0.0.1)")
  String host = "127.0.0.1";

  @Option(names = "--request-timeout-ms", paramLabel = "N", description = "fail calls not answered in N ms with 504 (default 120000)")
  Long requestTimeoutMs;

  @Option(names = "--max-body-bytes", paramLabel = "N", description = "answer 413 to larger request bodies (default 16 MiB)")
  Long maxBodyBytes;

  @Option(names = "--header-timeout-ms", paramLabel = "N", description = "close connections whose request head is not complete N ms after connecting or after the previous response (keep-alive idle; default 30000)")
  Long headerTimeoutMs;

  @Option(names = "--body-timeout-ms", paramLabel = "N", description = "answer 408 when a request body takes longer than N ms (default 60000)")
  Long bodyTimeoutMs;

  @Option(names = "--admin-host", paramLabel = "H", description = "address the admin API listens on (default 127.0.0.1)")
  String adminHost = "127.0.0.1";

  @Option(names = "--admin-port", paramLabel = "N", description = "port of the admin API: vserve deploy/config/shutdown, the external scaler (default 8265, skipped if taken; 0 picks a free one; -1: none)")
  Integer adminPort;

  @Option(names = "--admin-token", paramLabel = "TOKEN", description = "bearer token the admin API wants for changes (default: $VSERVE_ADMIN_TOKEN, else generated and printed)")
  String adminToken;

  @Option(names = "--cluster", description = "join (or form) a cluster of nodes through Hazelcast")
  boolean cluster;

  @Option(names = "--cluster-config", paramLabel = "FILE", description = "Hazelcast XML (default: ./cluster.xml, loopback)")
  String clusterConfig;

  @Option(names = "--cluster-host", paramLabel = "H", description = "the one address the cluster listens on (Hazelcast and the event bus; default 127.0.0.1); other nodes reach this node there")
  String clusterHost;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "the cluster's name, the same on every node (default on loopback: one derived from this installation; required on any other address)")
  String clusterName;

  @Option(names = "--num-cpus", paramLabel = "N", description = "CPUs this node offers for placement (default: its processors)")
  Double numCpus;

  @Option(names = "--num-gpus", paramLabel = "N", description = "GPUs this node offers (default 0)")
  Double numGpus;

  @Option(names = "--memory", paramLabel = "BYTES", description = "memory this node offers (default: its maximum heap)")
  Double memory;

  @Option(names = "--resources", paramLabel = "JSON", description = "custom resources this node offers, e.g. '{\"accelerator\": 1}'")
  String resources;

  @Option(names = "--allow-java-deployment", paramLabel = "CLASS", description = "let Python code bind this Java class with java_deployment() though it is not annotated @Deployment (repeatable)")
  List<String> allowJavaDeployments = new ArrayList<>();

  @Option(names = "--model-dir", paramLabel = "DIR", description = "let Python code load model weights from DIR too, besides its own folder (repeatable; ./vserve adds the examples' examples-java/models)")
  List<Path> modelDirs = new ArrayList<>();

  @Option(names = "--access-log", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "one log line per HTTP request: method, path, status, latency, request id, application (default: on; --no-access-log under heavy load)")
  boolean accessLog;

  @Option(names = "--metrics", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Prometheus metrics at GET /-/metrics (default: on; --no-metrics records nothing)")
  boolean metrics;

  @Option(names = "--tracing", paramLabel = "MODE", defaultValue = "off",
      description = "OpenTelemetry traces: off (default), otlp (to --tracing-endpoint) or file (OTLP JSON lines to --tracing-file)")
  String tracing;

  @Option(names = "--tracing-endpoint", paramLabel = "URL", description = "the collector's OTLP/HTTP traces URL (default http://localhost:4318/v1/traces)")
  String tracingEndpoint;

  @Option(names = "--tracing-file", paramLabel = "PATH", description = "where --tracing file appends its spans")
  String tracingFile;

  @Option(names = "--tracing-sample-ratio", paramLabel = "R", description = "share of new traces recorded, 0..1 (default 1; a caller's sampled trace is always followed)")
  Double tracingSampleRatio;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (one line per record: time, level, component, message, fields) or json (one object per line)")
  String logFormat;

  @Option(names = "--classpath", paramLabel = "PATH", description = "(./vserve only) more classes or jars, ':'-separated: your own code")
  void classpath(String ignored) {
    throw new ParameterException(spec.commandLine(), "--classpath is an option of the ./vserve launcher, which puts those"
        + " classes on the JVM's class path; when starting java yourself, list them in its -cp");
  }

  /** Whether the command line gave this option (a config file's value gives way to it). */
  boolean given(String name) {
    return spec.commandLine().getParseResult().hasMatchedOption(name);
  }

  /** The node's options; the Python host's settings go to the system properties it reads. */
  ServeOptions toServeOptions() {
    try {
      LogFormat.install(logFormat);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ServeOptions o = new ServeOptions().setHttpPort(port).setHttpHost(host).setClustered(cluster).setAccessLog(accessLog)
        .setMetricsEnabled(metrics);
    try {
      if (requestTimeoutMs != null) o.setRequestTimeoutMs(nonNegative("--request-timeout-ms", requestTimeoutMs));
      if (maxBodyBytes != null) o.setMaxRequestBodyBytes(nonNegative("--max-body-bytes", maxBodyBytes));
      if (headerTimeoutMs != null) o.setHeaderTimeoutMs(headerTimeoutMs);
      if (bodyTimeoutMs != null) o.setBodyTimeoutMs(bodyTimeoutMs);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      o.setTracing(tracing);
      if (tracingEndpoint != null) o.setTracingEndpoint(tracingEndpoint);
      if (tracingFile != null) o.setTracingFile(Path.of(tracingFile).toAbsolutePath().toString());
      if (tracingSampleRatio != null) o.setTracingSampleRatio(tracingSampleRatio);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--tracing: " + e.getMessage());
    }
    if (tracing.equals("file") && tracingFile == null) throw new ParameterException(spec.commandLine(), "--tracing file needs --tracing-file PATH");
    if (!tracing.equals("file") && tracingFile != null) throw new ParameterException(spec.commandLine(), "--tracing-file is only for --tracing file");
    if (!tracing.equals("otlp") && tracingEndpoint != null) throw new ParameterException(spec.commandLine(), "--tracing-endpoint is only for --tracing otlp");
    o.setAdminHost(adminHost).setAdminPort(adminPort == null ? AdminClient.DEFAULT_PORT : adminPort).setAdminPortRequired(adminPort != null);
    String token = adminToken != null ? adminToken : System.getenv(AdminClient.TOKEN_ENV);
    if (token != null && token.length() < 16) throw new ParameterException(spec.commandLine(), "--admin-token must be at least 16 characters");
    o.setAdminToken(token);
    if (clusterConfig != null) o.setClusterConfig(clusterConfig);
    if (clusterHost != null) o.setClusterHost(clusterHost);
    if (clusterName != null) o.setClusterName(clusterName);
    Map<String, Double> offered = new TreeMap<>();
    if (numCpus != null) offered.put(NodeInfo.CPU, amount("--num-cpus", numCpus));
    if (numGpus != null) offered.put(NodeInfo.GPU, amount("--num-gpus", numGpus));
    if (memory != null) offered.put(NodeInfo.MEMORY, amount("--memory", memory));
    if (resources != null) offered.putAll(customResources(resources));
    if (!offered.isEmpty()) o.setResources(offered);
    for (String c : allowJavaDeployments) append(PythonHostProperties.ALLOW_JAVA_DEPLOYMENTS, ",", c);
    for (Path d : modelDirs) append(PythonHostProperties.MODEL_DIRS, File.pathSeparator, d.toAbsolutePath().toString());
    return o;
  }

  private long nonNegative(String flag, long v) {
    if (v < 0) throw new ParameterException(spec.commandLine(), flag + " must be >= 0, got " + v);
    return v;
  }

  private double amount(String flag, double v) {
    if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      throw new ParameterException(spec.commandLine(), flag + " expects a number >= 0, got " + v);
    }
    return v;
  }

  private Map<String, Double> customResources(String v) {
    Map<String, Double> out = new TreeMap<>();
    try {
      Map<?, ?> m = dev.vserve.impl.Json.MAPPER.readValue(v, Map.class);
      for (var e : m.entrySet()) {
        if (!(e.getValue() instanceof Number n) || n.doubleValue() < 0) {
          throw new ParameterException(spec.commandLine(), "--resources: '" + e.getKey() + "' must be a number >= 0");
        }
        out.put(String.valueOf(e.getKey()), n.doubleValue());
      }
    } catch (java.io.IOException e) {
      throw new ParameterException(spec.commandLine(), "--resources expects a JSON object of amounts, e.g. '{\"accelerator\": 1}', got '" + v + "'");
    }
    return out;
  }

  private static void append(String property, String separator, String value) {
    String before = System.getProperty(property, "");
    System.setProperty(property, before.isEmpty() ? value : before + separator + value);
  }
}
