package dev.vserve.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A vserve node in a JVM of its own, started through the real command line with {@code --cluster}
 * and the repository's {@code cluster.xml}. Kill it in teardown, whatever happened.
 */
public final class ClusterNode {
  /** The first Hazelcast port of this test JVM's clusters (its nodes take the ones after it). */
  public static final int HAZELCAST_PORT = freePorts();
  private static final String CLUSTER_XML = ownConfig();
  /** One cluster per test JVM: nodes of another test run on this host never join it. */
  public static final String CLUSTER_NAME = "vserve-test-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime());
  private static final Pattern UP = Pattern.compile("cluster node (\\S+) up, proxy at http://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern ADMIN = Pattern.compile("admin API at http://127\\.0\\.0\\.1:(\\d+)");

  public final ChildProcess process;
  public final String nodeId;
  public final int port;
  public final Http http;
  /** The admin API's port (each test node picks a free one). */
  public final int adminPort;

  private ClusterNode(ChildProcess process, String nodeId, int port, int adminPort) {
    this.process = process;
    this.nodeId = nodeId;
    this.port = port;
    this.http = new Http(port);
    this.adminPort = adminPort;
  }

  /**
   * The repository's cluster.xml on Hazelcast ports of this test JVM's own: a joining node tries only
   * the first three ports of the range, so two JVMs whose clusters both start at 5701 (the cli module
   * runs two test classes at once; a developer may run a cluster meanwhile) could fill those ports
   * with one cluster's members and leave the other's nodes each alone.
   */
  private static String ownConfig() {
    try {
      String xml = java.nio.file.Files.readString(new File("../cluster.xml").toPath());
      xml = xml.replaceFirst("<network>", "<network>\n    <port auto-increment=\"true\" port-count=\"20\">" + HAZELCAST_PORT + "</port>");
      java.nio.file.Path f = java.nio.file.Files.createTempFile("vserve-test-cluster", ".xml");
      f.toFile().deleteOnExit();
      java.nio.file.Files.writeString(f, xml);
      return f.toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The first of three free ports on loopback, below the ephemeral range. */
  private static int freePorts() {
    java.util.Random random = new java.util.Random();
    for (int i = 0; i < 100; i++) {
      int base = 10_000 + 20 * random.nextInt(1_000);
      if (free(base) && free(base + 1) && free(base + 2)) return base;
    }
    throw new IllegalStateException("no three free ports in a row on loopback for the test cluster");
  }

  private static boolean free(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code vserve ARGS --cluster --port 0}, once its proxy is up. */
  public static ClusterNode start(String... args) throws IOException {
    List<String> flags = new ArrayList<>(List.of(System.getProperty("hazelcast.jvm.flags", "").split(" ")));
    flags.removeIf(String::isBlank);
    // small and quick to start: several of these share two cores with the test
    flags.addAll(List.of("-Dvertx.hazelcast.config=" + CLUSTER_XML, "-Xmx384m", "-XX:+UseSerialGC"));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--cluster", "--cluster-name", CLUSTER_NAME, "--port", "0"));
    if (!all.contains("--admin-port")) all.addAll(List.of("--admin-port", "0"));
    ChildProcess p = ChildProcess.java(flags, "dev.vserve.cli.Main", all.toArray(String[]::new));
    Matcher[] up = new Matcher[1];
    int adminAt = all.indexOf("--admin-port");
    boolean wantAdmin = !all.get(adminAt + 1).equals("-1");
    try {
      Poll.until("node " + String.join(" ", args) + " to start", Duration.ofSeconds(90), () -> {
        boolean admin = !wantAdmin;
        for (String line : p.lines) {
          Matcher m = UP.matcher(line);
          if (m.find()) up[0] = m;
          if (line.contains("admin API at") || line.contains("no admin API")) admin = true;
        }
        if (up[0] != null && admin) return true;
        if (!p.process.isAlive()) throw new AssertionError("node exited: " + p.lines);
        return false;
      });
    } catch (RuntimeException | AssertionError e) {
      try {
        p.kill();
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
    int admin = -1;
    for (String line : p.lines) {
      Matcher m = ADMIN.matcher(line);
      if (m.find()) admin = Integer.parseInt(m.group(1));
    }
    return new ClusterNode(p, up[0].group(1), Integer.parseInt(up[0].group(2)), admin);
  }

  /** Waits for a line of output containing {@code text} (e.g. an application's "ready at"). */
  public void awaitOutput(String text, Duration timeout) {
    Poll.until("'" + text + "' from node " + nodeId, timeout, () -> {
      if (process.lines.stream().anyMatch(l -> l.contains(text))) return true;
      if (!process.process.isAlive()) throw new AssertionError("node exited: " + process.lines);
      return false;
    });
  }

  /** {@code GET /-/status} of this node's proxy. */
  public JsonNode status() {
    return Http.json(http.get("/-/status"));
  }

  public void kill() throws InterruptedException {
    process.kill();
  }

  public static void killAll(ClusterNode... nodes) throws InterruptedException {
    for (ClusterNode n : nodes) if (n != null) n.kill();
  }
}
