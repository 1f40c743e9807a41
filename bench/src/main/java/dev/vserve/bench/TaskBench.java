package dev.vserve.bench;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.impl.Json;
import dev.vserve.tasks.TaskConsumer;
import dev.vserve.tasks.TaskHandler;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Task queues end to end over HTTP: no-op tasks per second (submitted by 16 clients, done when the
 * last result is in), and the time from submit to result at low load (one task at a time), on a node
 * alone (tasks in memory), one clustered node (Hazelcast) and three (Hazelcast, one consumer each).
 */
public final class TaskBench {
  @Deployment(numCpus = 0, maxOngoingRequests = 16)
  @TaskConsumer(queue = "noop")
  public static class Noop {
    @TaskHandler
    public int noop(int i) {
      return i;
    }
  }

  public static final Application noop = Application.bind(Noop.class);

  private static final int TASKS = Integer.getInteger("bench.tasks", 5000);
  private static final int SEQUENTIAL = 200;

  private TaskBench() {}

  static void run() throws Exception {
    System.out.printf("%nvserve task queue benchmark: %d cores, node JVMs on loopback, %d no-op tasks from 16 HTTP clients%n",
        Runtime.getRuntime().availableProcessors(), TASKS);
    System.out.printf("%-44s %10s %14s %14s%n", "", "tasks/s", "submit->result", "p99");
    System.out.printf("%-44s %10s %14s %14s%n", "", "", "p50 ms (1 at a time)", "ms");
    measure("one node alone (tasks in its memory)", 1, false);
    measure("one clustered node (Hazelcast)", 1, true);
    measure("three clustered nodes (Hazelcast, backups)", 3, true);
  }

  private static void measure(String what, int nodeCount, boolean clustered) throws Exception {
    Path config = Files.createTempFile("vserve-bench-tasks", ".json");
    Files.writeString(config, "{\"applications\": [{\"name\": \"tasks\", \"route_prefix\": \"/tasks\", "
        + "\"import_path\": \"dev.vserve.bench.TaskBench:noop\", \"deployments\": [{\"name\": \"Noop\", \"num_replicas\": " + nodeCount + "}]}]}");
    List<ClusterBench.Node> nodes = new ArrayList<>();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      for (int i = 1; i < nodeCount; i++) ClusterBench.start(nodes, clustered, "start");
      ClusterBench.Node app = ClusterBench.start(nodes, clustered, "run", config.toString());
      ClusterBench.awaitLine(app, "ready at", Duration.ofSeconds(90));
      int[] ports = nodes.stream().mapToInt(ClusterBench.Node::port).toArray();
      throughput(client, ports, 1000);  // warm-up
      double rate = throughput(client, ports, TASKS);
      double[] latencies = latency(client, ports[0]);
      System.out.printf("%-44s %10.0f %14.2f %14.2f%n", what, rate, latencies[latencies.length / 2],
          latencies[(int) (latencies.length * 0.99)]);
    } finally {
      for (ClusterBench.Node n : nodes) n.process().destroyForcibly();
      for (ClusterBench.Node n : nodes) n.process().waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(config);
      client.close();
    }
  }

  /** Tasks per second from the first submission to the last result, submissions spread over the nodes. */
  private static double throughput(HttpClient client, int[] ports, int tasks) throws Exception {
    long t0 = System.nanoTime();
    List<String> ids = new ArrayList<>(tasks);
    try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
      List<Future<String>> sent = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        int n = i;
        sent.add(clients.submit(() -> submit(client, ports[n % ports.length], n)));
      }
      for (Future<String> f : sent) ids.add(f.get());
    }
    for (String id : ids) awaitSuccess(client, ports[0], id);
    return tasks / ((System.nanoTime() - t0) / 1e9);
  }

  private static double[] latency(HttpClient client, int port) throws Exception {
    double[] ms = new double[SEQUENTIAL];
    for (int i = 0; i < SEQUENTIAL; i++) {
      long t0 = System.nanoTime();
      awaitSuccess(client, port, submit(client, port, i));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static String submit(HttpClient client, int port, int n) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/tasks/noop"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"task_name\": \"noop\", \"args\": [" + n + "]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
    return Json.MAPPER.readTree(r.body()).get("task_id").asText();
  }

  private static void awaitSuccess(HttpClient client, int port, String id) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/tasks/" + id + "?timeout_s=60"))
        .build(), HttpResponse.BodyHandlers.ofString());
    String status = Json.MAPPER.readTree(r.body()).path("status").asText();
    if (!status.equals("SUCCESS")) throw new IllegalStateException("task " + id + " ended " + r.body());
  }
}
