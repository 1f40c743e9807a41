package dev.vserve;

/** Settings of one node: where its HTTP proxy listens and the limits it enforces. */
public final class ServeOptions {
  public static final int DEFAULT_HTTP_PORT = 8000;

  private String httpHost = "127.0.0.1";
  private int httpPort = DEFAULT_HTTP_PORT;
  private long maxRequestBodyBytes = 16L * 1024 * 1024;
  private long requestTimeoutMs = 120_000;
  private long gracefulShutdownTimeoutMs = 20_000;
  private boolean httpEnabled = true;
  private RequestRouter requestRouter = new dev.vserve.impl.router.PowerOfTwoChoices();
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
  public long getGracefulShutdownTimeoutMs() { return gracefulShutdownTimeoutMs; }
  public ServeOptions setGracefulShutdownTimeoutMs(long v) { gracefulShutdownTimeoutMs = v; return this; }
  /** How this node's proxy and handles pick replicas; power of two choices by default. */
  public RequestRouter getRequestRouter() { return requestRouter; }
  public ServeOptions setRequestRouter(RequestRouter v) { requestRouter = java.util.Objects.requireNonNull(v); return this; }
  /** Event loops serving HTTP (verticle instances sharing the port). */
  public int getProxyInstances() { return proxyInstances; }
  public ServeOptions setProxyInstances(int v) { proxyInstances = v; return this; }
}
