package dev.vserve;

/** Settings of one node: where its HTTP proxy listens and the limits it enforces. */
public final class ServeOptions {
  public static final int DEFAULT_HTTP_PORT = 8000;

  private String httpHost = "127.0.0.1";
  private int httpPort = DEFAULT_HTTP_PORT;
  private long maxRequestBodyBytes = 16L * 1024 * 1024;
  private long requestTimeoutMs = 120_000;
  private long gracefulShutdownTimeoutMs = 20_000;
  private long headerTimeoutMs = 30_000;
  private long bodyTimeoutMs = 60_000;
  private boolean httpEnabled = true;
  private RequestRouter requestRouter = new dev.vserve.impl.router.PowerOfTwoChoices();
  private boolean clustered;
  private String clusterConfig;
  private String clusterHost = "127.0.0.1";
  private String clusterName;
  private java.util.Map<String, Double> resources;
  private boolean accessLog;
  private boolean metricsEnabled = true;
  private String tracing = "off";
  private String tracingEndpoint = "http://localhost:4318/v1/traces";
  private String tracingFile;
  private double tracingSampleRatio = 1.0;
  private String adminHost = "127.0.0.1";
  private int adminPort = -1;
  private String adminToken;
  private boolean adminPortRequired = true;
  private int proxyInstances = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 4));

  public String getHttpHost() { return httpHost; }
  public ServeOptions setHttpHost(String v) { httpHost = v; return this; }
  /** 0 picks a free port; read it back from {@link ServeNode#httpPort()}. */
  public int getHttpPort() { return httpPort; }
  public ServeOptions setHttpPort(int v) { httpPort = v; return this; }
  /** Larger bodies are answered 413. */
  public long getMaxRequestBodyBytes() { return maxRequestBodyBytes; }
  public ServeOptions setMaxRequestBodyBytes(long v) { maxRequestBodyBytes = v; return this; }
  /** A call not answered in this time fails (HTTP 504). */
  public long getRequestTimeoutMs() { return requestTimeoutMs; }
  public ServeOptions setRequestTimeoutMs(long v) { requestTimeoutMs = v; return this; }
  /** False: the node opens no port; mount its router in your own server instead (embedding). */
  public boolean isHttpEnabled() { return httpEnabled; }
  public ServeOptions setHttpEnabled(boolean v) { httpEnabled = v; return this; }
  /** How long the proxy waits for in-flight HTTP requests when the node stops. */
  /** How long a client may take to send a request head, counted from connecting or from the previous response. */
  public long getHeaderTimeoutMs() { return headerTimeoutMs; }
  public ServeOptions setHeaderTimeoutMs(long v) { headerTimeoutMs = positive("headerTimeoutMs", v); return this; }

  /** How long a client may take to send a request body once its head arrived (then 408). */
  public long getBodyTimeoutMs() { return bodyTimeoutMs; }
  public ServeOptions setBodyTimeoutMs(long v) { bodyTimeoutMs = positive("bodyTimeoutMs", v); return this; }

  private static long positive(String name, long v) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    return v;
  }

  public long getGracefulShutdownTimeoutMs() { return gracefulShutdownTimeoutMs; }
  public ServeOptions setGracefulShutdownTimeoutMs(long v) { gracefulShutdownTimeoutMs = v; return this; }
  /** How this node's proxy and handles pick replicas; power of two choices by default. */
  public RequestRouter getRequestRouter() { return requestRouter; }
  public ServeOptions setRequestRouter(RequestRouter v) { requestRouter = java.util.Objects.requireNonNull(v); return this; }
  /** Event loops serving HTTP (verticle instances sharing the port). */
  /** One log line per HTTP request (method, path, status, latency, request id, application); off by default, on for {@code vserve run}. */
  public boolean isAccessLog() { return accessLog; }
  public ServeOptions setAccessLog(boolean v) { accessLog = v; return this; }

  /** Where the admin API listens ({@code /api/serve/applications/}); loopback unless told otherwise. */
  public String getAdminHost() { return adminHost; }
  public ServeOptions setAdminHost(String v) { adminHost = v; return this; }
  /** The admin API's port: -1 (the default when embedding) opens none, 0 picks a free one; the command line's default is 8265. */
  public int getAdminPort() { return adminPort; }
  public ServeOptions setAdminPort(int v) { adminPort = v; return this; }
  /**
   * False: a busy admin port is logged and the node starts without the admin API (the command line's
   * default port, so that several nodes may share a laptop); true (a port the user gave): it fails the start.
   */
  public boolean isAdminPortRequired() { return adminPortRequired; }
  public ServeOptions setAdminPortRequired(boolean v) { adminPortRequired = v; return this; }
  /** The bearer token every change through the admin API needs; null: one is generated at start (and printed). */
  public String getAdminToken() { return adminToken; }
  public ServeOptions setAdminToken(String v) { adminToken = v; return this; }

  /** Prometheus metrics at {@code GET /-/metrics} (on by default); off, nothing is recorded. */
  public boolean isMetricsEnabled() { return metricsEnabled; }
  public ServeOptions setMetricsEnabled(boolean v) { metricsEnabled = v; return this; }

  /** OpenTelemetry traces: {@code off} (default), {@code otlp} (to {@link #getTracingEndpoint()}) or {@code file} (OTLP JSON lines). */
  public String getTracing() { return tracing; }
  public ServeOptions setTracing(String v) {
    if (!java.util.Set.of("off", "otlp", "file").contains(v)) throw new IllegalArgumentException("tracing must be off, otlp or file, got '" + v + "'");
    tracing = v;
    return this;
  }
  /** The collector's OTLP/HTTP traces URL (default http://localhost:4318/v1/traces). */
  public String getTracingEndpoint() { return tracingEndpoint; }
  public ServeOptions setTracingEndpoint(String v) { tracingEndpoint = v; return this; }
  /** Where {@code file} tracing appends its OTLP JSON lines. */
  public String getTracingFile() { return tracingFile; }
  public ServeOptions setTracingFile(String v) { tracingFile = v; return this; }
  /** The share of new traces recorded (0..1; a caller's sampled trace is always followed). */
  public double getTracingSampleRatio() { return tracingSampleRatio; }
  public ServeOptions setTracingSampleRatio(double v) {
    if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("the tracing sample ratio must be between 0 and 1, got " + v);
    tracingSampleRatio = v;
    return this;
  }

  public int getProxyInstances() { return proxyInstances; }
  public ServeOptions setProxyInstances(int v) { proxyInstances = v; return this; }

  /** Join (or form) a cluster through Hazelcast instead of running as a single embedded node. */
  public boolean isClustered() { return clustered; }
  public ServeOptions setClustered(boolean v) { clustered = v; return this; }
  /** The Hazelcast XML file of a clustered node; null: {@code -Dvertx.hazelcast.config}, else ./cluster.xml, else Vert.x's default. */
  public String getClusterConfig() { return clusterConfig; }
  public ServeOptions setClusterConfig(String v) { clusterConfig = v; return this; }
  /** The address other nodes reach this node's event bus at. */
  /** The cluster's name (null: the configuration's, or one derived from this installation on loopback). */
  public String getClusterName() { return clusterName; }
  public ServeOptions setClusterName(String v) { clusterName = v; return this; }

  public String getClusterHost() { return clusterHost; }
  public ServeOptions setClusterHost(String v) { clusterHost = v; return this; }
  /**
   * What this node offers for placement: {@code CPU}, {@code GPU}, {@code memory} (bytes) and custom
   * names. Unset: a clustered node offers its processors, no GPU and its maximum heap; a single
   * embedded node places everything (nowhere else to go).
   */
  public java.util.Map<String, Double> getResources() { return resources; }
  public ServeOptions setResources(java.util.Map<String, Double> v) { resources = v == null ? null : new java.util.TreeMap<>(v); return this; }
}
