package dev.vserve.bench;

import dev.vserve.Application;
import dev.vserve.Autoscaling;
import dev.vserve.Deployment;
import dev.vserve.DeploymentResponse;
import dev.vserve.Request;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.controller.ClusterStatus;
import dev.vserve.impl.Json;
import dev.vserve.node.NodeImpl;
import dev.vserve.python.PythonApplications;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load step against an autoscaling deployment (50 ms a request, 2 ongoing requests a replica, 1 to
 * 8 replicas, Ray's default queue settings): few clients, then many, then few again. Prints, per
 * second, the clients, answers/s, p50/p99 and the replica count; then the time from the step to
 * enough replicas, the overshoot, the 503s, and the first answer from zero for a Java and a Python
 * deployment on a warm node. Draws {@code bench/results/autoscale.png}.
 */
final class AutoscaleBench {
  private static final int FEW = 2;
  private static final int MANY = 16;
  private static final int[] PHASE_S = {10, 25, 25};

  @Deployment(maxOngoingRequests = 5, numCpus = 0, autoscaling = @Autoscaling(minReplicas = 1, maxReplicas = 8,
      targetOngoingRequests = 2, upscaleDelayS = 1, downscaleDelayS = 5, lookBackPeriodS = 2, metricsIntervalS = 0.5))
  public static class Work {
    public Map<String, String> call(Request r) throws InterruptedException {
      Thread.sleep(50);
      return Map.of("result", "ok");
    }
  }

  @Deployment(numCpus = 0, autoscaling = @Autoscaling(minReplicas = 0, maxReplicas = 1, metricsIntervalS = 0.5, downscaleToZeroDelayS = 600))
  public static class Zero {
    public Map<String, String> call(Request r) {
      return Map.of("result", "ok");
    }
  }

  /** One second of the run. */
  record Second(int t, int clients, int answers, int unavailable, double p50, double p99, int replicas) {}

  private AutoscaleBench() {}

  static void run() throws Exception {
    ServeNode node = DeploymentResponse.of(Serve.start(new ServeOptions().setHttpPort(Bench.freePort()))).await();
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      String base = "http://127.0.0.1:" + node.httpPort();
      DeploymentResponse.of(node.deploy(Application.bind(Work.class), "work", "/work")).await();
      System.out.printf("Autoscale benchmark: %d cores; 50 ms a request, target 2 ongoing a replica, 1..8 replicas, "
          + "upscale delay 1 s, downscale delay 5 s; clients %d -> %d -> %d%n", Runtime.getRuntime().availableProcessors(), FEW, MANY, FEW);
      System.out.println("   t  clients  answers/s  503s   p50 ms   p99 ms  replicas");
      AtomicInteger clients = new AtomicInteger(FEW);
      ConcurrentLinkedQueue<long[]> done = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      boolean[] stop = {false};
      for (int i = 0; i < MANY; i++) {
        int id = i;
        threads.add(Thread.ofVirtual().start(() -> {
          HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/work")).timeout(Duration.ofSeconds(60)).build();
          while (!stop[0]) {
            if (id >= clients.get()) {
              sleep(20);
              continue;
            }
            long t0 = System.nanoTime();
            int status;
            try {
              status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
              status = -1;
            }
            done.add(new long[] {System.nanoTime() - t0, status});
          }
        }));
      }
      // a few seconds of the light load first, unrecorded: the JIT's first requests are not the step's
      sleep(3_000);
      done.clear();
      List<Second> seconds = new ArrayList<>();
      int total = PHASE_S[0] + PHASE_S[1] + PHASE_S[2];
      long start = System.nanoTime();
      for (int t = 1; t <= total; t++) {
        if (t == PHASE_S[0] + 1) clients.set(MANY);
        if (t == PHASE_S[0] + PHASE_S[1] + 1) clients.set(FEW);
        long next = start + t * 1_000_000_000L;
        sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        List<Long> lat = new ArrayList<>();
        int unavailable = 0;
        for (long[] d; (d = done.poll()) != null; ) {
          if (d[1] == 200) lat.add(d[0]); else if (d[1] == 503) unavailable++;
        }
        lat.sort(null);
        Second s = new Second(t, clients.get(), lat.size(), unavailable, pct(lat, 50), pct(lat, 99), replicas(node, "work"));
        seconds.add(s);
        System.out.printf("%4d  %7d  %9d  %4d  %7.1f  %7.1f  %8d%n", s.t(), s.clients(), s.answers(), s.unavailable(), s.p50(), s.p99(), s.replicas());
      }
      stop[0] = true;
      for (Thread th : threads) th.join(5_000);

      int needed = 8;
      double stepToEnough = -1;
      int peak = 0;
      int unavailable = 0;
      for (Second s : seconds) {
        unavailable += s.unavailable();
        if (s.t() > PHASE_S[0] && s.t() <= PHASE_S[0] + PHASE_S[1]) peak = Math.max(peak, s.replicas());
        if (stepToEnough < 0 && s.t() > PHASE_S[0] && s.replicas() >= needed) stepToEnough = s.t() - PHASE_S[0];
      }
      double javaZero = firstAnswerFromZero(node, client, base, Application.bind(Zero.class), "zero-java");
      PythonApplications python = new PythonApplications();
      // a warm node: the Python engine already runs (another Python app), as in a node serving Python
      DeploymentResponse.of(node.deploy(python.load("bench/python/noop.py").app(), "py-warm", "/py-warm")).await();
      double pythonZero = firstAnswerFromZero(node, client, base, python.load("bench/python/zero.py").app(), "zero-python");
      System.out.printf("step to %d replicas: %s s; peak %d replicas (overshoot %d); 503s: %d; "
          + "first answer from zero: Java %.0f ms, Python %.0f ms%n", needed, stepToEnough < 0 ? "never" : String.valueOf(stepToEnough),
          peak, Math.max(0, peak - needed), unavailable, javaZero, pythonZero);
      Path png = Path.of("bench/results/autoscale.png");
      AutoscaleChart.draw(seconds, PHASE_S[0], PHASE_S[0] + PHASE_S[1], png);
      System.out.println("plot: " + png);
    } finally {
      DeploymentResponse.of(node.close()).await();
    }
  }

  /** Deploys at zero replicas, then times one request: the router waits, the controller starts a replica at once. */
  private static double firstAnswerFromZero(ServeNode node, HttpClient client, String base, Application app, String name) throws Exception {
    DeploymentResponse.of(node.deploy(app, name, "/" + name)).await();
    if (replicas(node, name) != 0) throw new IllegalStateException(name + " did not start at zero replicas");
    long t0 = System.nanoTime();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/" + name)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) throw new IllegalStateException(name + " answered " + r.statusCode() + ": " + r.body());
    return ms;
  }

  static int replicas(ServeNode node, String app) {
    ClusterStatus s = Json.convert(DeploymentResponse.of(((NodeImpl) node).status()).await(), ClusterStatus.class);
    for (ClusterStatus.Application a : s.applications()) {
      if (a.name().equals(app)) return (int) a.deployments().get(0).running();
    }
    return -1;
  }

  private static double pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) return 0;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
