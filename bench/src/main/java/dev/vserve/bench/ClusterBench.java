package dev.vserve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.Application;
import dev.vserve.impl.Json;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cross-node requests next to same-node ones, and the timeline of a node kill under load, on vserve
 * nodes that are JVMs of their own clustered on loopback (the repository's cluster.xml):
 * B (the controller; its proxy is the cross-node entry) and A (the replicas, pinned there by a
 * custom resource, and its own proxy: the same-node entry); then C joins and A is killed.
 */
public final class ClusterBench {
  private static final Pattern UP = Pattern.compile("(?:cluster node (\\S+) up, )?proxy at http://127\\.0\\.0\\.1:(\\d+)");
  /** What Hazelcast needs on the node JVMs: ./bench/run passes jvm-flags.sh's list, as the tests pass the pom's. */
  private static final List<String> HAZELCAST_FLAGS =
      List.of(System.getProperty("hazelcast.jvm.flags", "").trim().split("\\s+")).stream().filter(f -> !f.isEmpty()).toList();

  /** The deployment under test: {@link Bench.Constant}, two replicas wherever {@code bench-replica} is offered. */
  public static final Application constant = Application.bind(Bench.Constant.class);

  private ClusterBench() {}

  record Node(Process process, String id, int port, List<String> lines) {}

  static void run() throws Exception {
    int seconds = Integer.parseInt(System.getProperty("bench.seconds", "10"));
    int connections = Integer.parseInt(System.getProperty("bench.connections", "64"));
    Path config = Files.createTempFile("vserve-bench-cluster", ".json");
    Files.writeString(config, """
        {"applications": [{"name": "bench", "route_prefix": "/", "import_path": "dev.vserve.bench.ClusterBench:constant",
          "deployments": [{"name": "Constant", "num_replicas": 2, "ray_actor_options": {"num_cpus": 0, "resources": {"bench-replica": 1}}}]}]}""");
    List<Node> nodes = new ArrayList<>();
    try {
      Node b = start(nodes, "start");
      Node a = start(nodes, "run", config.toString(), "--resources", "{\"bench-replica\": 2}");
      awaitLine(a, "ready at", Duration.ofSeconds(90));

      System.out.printf("%nvserve cluster benchmark: %d cores, node JVMs on loopback, wrk -t2 -c%d -d%ds%n",
          Runtime.getRuntime().availableProcessors(), connections, seconds);
      // warm both paths (the cross-node one runs codec and event-bus code the same-node one skips)
      Bench.wrk(a.port, connections, seconds);
      Bench.wrk(b.port, connections, seconds);
      // interleaved, twice: the machine's speed drifts between measurements
      List<Bench.Load> same = new ArrayList<>();
      List<Bench.Load> cross = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        same.add(Bench.wrk(a.port, connections, seconds));
        cross.add(Bench.wrk(b.port, connections, seconds));
      }
      System.out.printf("%-52s %12s %10s %10s%n", "constant JSON answer from a replica on node A", "requests/s", "p50 ms", "p99 ms");
      for (int i = 0; i < same.size(); i++) {
        print("(s) same node: A's proxy -> A's replica", same.get(i));
        print("(x) cross node: B's proxy -> event bus -> A", cross.get(i));
        System.out.printf("%-52s %12.2f   (goal >= 0.60)%n", "ratio (x)/(s)", cross.get(i).rps() / same.get(i).rps());
      }

      failover(nodes, a, b);
    } finally {
      for (Node n : nodes) n.process.destroyForcibly();
      for (Node n : nodes) n.process.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(config);
    }
  }

  private static void print(String what, Bench.Load l) {
    System.out.printf("%-52s %12.0f %10.3f %10.3f%n", what, l.rps(), l.p50ms(), l.p99ms());
  }

  /** C joins (it can host the replicas too), clients load B's proxy, A is killed: what do clients see, and when? */
  private static void failover(List<Node> nodes, Node a, Node b) throws Exception {
    start(nodes, "start", "--resources", "{\"bench-replica\": 2}");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ConcurrentLinkedQueue<long[]> outcomes = new ConcurrentLinkedQueue<>();  // {start ns, end ns, status}
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      clients.add(Thread.ofPlatform().daemon().start(() -> {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port + "/")).timeout(Duration.ofSeconds(30)).build();
        while (running.get()) {
          long t0 = System.nanoTime();
          int status;
          try {
            status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
          } catch (IOException | InterruptedException e) {
            status = -1;
          }
          outcomes.add(new long[] {t0, System.nanoTime(), status});
        }
      }));
    }
    Thread.sleep(2000);
    long kill = System.nanoTime();
    a.process.destroyForcibly();
    long detected = -1;
    long replaced = -1;
    long deadline = kill + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && replaced < 0) {
      JsonNode s = status(client, b.port);
      if (s != null) {
        boolean aGone = true;
        for (JsonNode n : s.get("nodes")) if (n.get("id").asText().equals(a.id)) aGone = false;
        if (aGone && detected < 0) detected = System.nanoTime();
        int running2 = 0;
        for (JsonNode app : s.get("applications")) for (JsonNode d : app.get("deployments")) for (JsonNode r : d.get("replicas")) {
          if (r.get("state").asText().equals("RUNNING") && !r.get("node").asText().equals(a.id)) running2++;
        }
        if (aGone && running2 == 2) replaced = System.nanoTime();
      }
      Thread.sleep(10);
    }
    Thread.sleep(2000);
    running.set(false);
    for (Thread t : clients) t.join(35_000);
    long errors = 0;
    long slowest = 0;
    long during = 0;
    for (long[] o : outcomes) {
      if (o[2] != 200) errors++;
      // requests that were in flight at the kill, or started before the replacement was up
      if (o[1] >= kill && (replaced < 0 || o[0] <= replaced)) {
        during++;
        slowest = Math.max(slowest, o[1] - o[0]);
      }
    }
    System.out.println();
    System.out.println("failover: kill -9 of node A (both replicas) while 8 clients send GETs through B's proxy");
    System.out.printf("  %-50s %s%n", "node gone from the controller's view", detected < 0 ? "not seen" : "+" + ms(detected - kill) + " ms");
    System.out.printf("  %-50s %s%n", "replacement replicas on C running", replaced < 0 ? "not seen within 60 s" : "+" + ms(replaced - kill) + " ms");
    System.out.printf("  %-50s %d of %d requests; slowest request around the kill %d ms%n", "errors seen by clients", errors,
        outcomes.size(), ms(slowest));
    System.out.printf("  %-50s %d%n", "requests started between kill and replacement", during);
    client.close();
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static JsonNode status(HttpClient client, int port) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/status"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()) : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }

  static Node start(List<Node> nodes, String... args) throws Exception {
    return start(nodes, true, args);
  }

  /** A node JVM through the real command line; clustered on loopback, or alone. */
  static Node start(List<Node> nodes, boolean clustered, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(HAZELCAST_FLAGS);
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.vserve.cli.Main"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--port", "0"));
    if (clustered) cmd.addAll(List.of("--cluster", "--cluster-config", new File("cluster.xml").getAbsolutePath()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (IOException ignored) {
        // ended
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      for (String line : lines) {
        Matcher m = UP.matcher(line);
        if (m.find()) {
          Node n = new Node(p, m.group(1), Integer.parseInt(m.group(2)), lines);
          nodes.add(n);
          return n;
        }
      }
      if (!p.isAlive()) throw new IllegalStateException("node exited: " + lines);
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new IllegalStateException("node did not start: " + lines);
  }

  static void awaitLine(Node n, String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (n.lines.stream().anyMatch(l -> l.contains(text))) return;
      if (!n.process.isAlive()) throw new IllegalStateException("node exited: " + n.lines);
      Thread.sleep(50);
    }
    throw new IllegalStateException("no '" + text + "' from node: " + n.lines);
  }
}
