package dev.vserve.bench;

import dev.vserve.Application;
import dev.vserve.DeploymentResponse;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.examples.MnistService;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.impl.Json;
import dev.vserve.python.PythonApplications;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python deployments next to their Java twins, in one node and one run: replica start time (the
 * first Python replica of the JVM, then another in the running node), the no-op answer under wrk,
 * and the MNIST service under the seed's 2000 concurrent requests. Rounds alternate Java and Python
 * so the machine's noise hits both alike.
 */
final class PythonBench {
  private static final int ROUNDS = 3;
  /** Both services keep their own max ongoing requests (256), so the comparison sends at most that many at once. */
  private static final int MNIST_CONNECTIONS = 256;

  private PythonBench() {}

  static void run() throws Exception {
    int seconds = Integer.parseInt(System.getProperty("bench.seconds", "10"));
    int connections = Integer.parseInt(System.getProperty("bench.connections", "64"));
    PythonApplications python = new PythonApplications();
    ServeNode node = DeploymentResponse.of(Serve.start(new ServeOptions().setHttpPort(Bench.freePort()))).await();
    try {
      // replica start: the JVM's first Python replica pays for the engine; later ones share it
      Application probe = python.load("bench/python/noop.py").app();
      double firstS = secondsToDeploy(node, probe, "py-first");
      // at once after the first, before the node has made a context ahead; then as in a node that has
      // run a moment (autoscaling adds replicas to running nodes)
      double secondS = secondsToDeploy(node, probe, "py-second");
      Thread.sleep(1000);
      double thirdS = secondsToDeploy(node, probe, "py-third");
      double fiveS = secondsToDeploy(node, python.load("bench/python/five.py").app(), "py-five", Map.of());

      // no-op: 2 replicas each, 64 ongoing requests each, the same answer
      DeploymentResponse.of(node.deploy(Application.bind(Bench.Constant.class), "java-noop", "/java")).await();
      DeploymentResponse.of(node.deploy(probe, "py-noop", "/python")).await();
      // both JITs (HotSpot's for the Java path, Graal's for the Python one) need the full length to settle
      int warmup = Integer.parseInt(System.getProperty("bench.warmup", String.valueOf(seconds)));
      System.out.printf("Python benchmark: %d cores, wrk -t2 -c%d -d%ds, %d rounds after warm-ups, Java and Python alternating%n",
          Runtime.getRuntime().availableProcessors(), connections, seconds, ROUNDS);
      for (int i = 0; i < 2; i++) {
        Bench.wrk(node.httpPort(), "/java", connections, warmup);
        Bench.wrk(node.httpPort(), "/python", connections, warmup);
      }
      List<Bench.Load> java = new ArrayList<>();
      List<Bench.Load> py = new ArrayList<>();
      for (int r = 0; r < ROUNDS; r++) {
        java.add(Bench.wrk(node.httpPort(), "/java", connections, seconds));
        py.add(Bench.wrk(node.httpPort(), "/python", connections, seconds));
        System.out.printf("  no-op round %d: Java %.0f, Python %.0f requests/s (%.2f)%n", r, java.get(r).rps(), py.get(r).rps(),
            py.get(r).rps() / java.get(r).rps());
      }
      DeploymentResponse.of(node.delete("java-noop")).await();
      DeploymentResponse.of(node.delete("py-noop")).await();

      // MNIST: the Java service and the Python ingress, both batching 128 with a 100 ms wait
      DeploymentResponse.of(node.deploy(MnistService.app, "java-mnist", "/java-mnist")).await();
      DeploymentResponse.of(node.deploy(python.load("examples-python/mnist.py").app(), "py-mnist", "/py-mnist")).await();
      MnistData data = MnistData.load();
      List<Buffer> bodies = new ArrayList<>(MnistBench.REQUESTS);
      for (int k = 0; k < MnistBench.REQUESTS; k++) {
        bodies.add(Buffer.buffer(Json.encode(Map.of("image", data.image(data.trainCount + (k % data.testCount()))))));
      }
      Vertx clientVertx = Vertx.vertx();
      List<Bench.Load> javaMnist = new ArrayList<>();
      List<Bench.Load> pyMnist = new ArrayList<>();
      try {
        HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setDefaultPort(node.httpPort())
            .setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(MNIST_CONNECTIONS).setMaxWaitQueueSize(-1));
        for (int round = 0; round < MnistBench.WARMUP_ROUNDS + MnistBench.ROUNDS; round++) {
          Bench.Load j = MnistBench.blast(client, "/java-mnist", bodies, null);
          Bench.Load p = MnistBench.blast(client, "/py-mnist", bodies, null);
          System.out.printf("  MNIST round %d%s: Java %.0f, Python %.0f requests/s%n", round,
              round < MnistBench.WARMUP_ROUNDS ? " (warm-up)" : "", j.rps(), p.rps());
          if (round < MnistBench.WARMUP_ROUNDS) continue;
          javaMnist.add(j);
          pyMnist.add(p);
        }
      } finally {
        clientVertx.close().await();
      }
      Bench.Load jn = Bench.median(java);
      Bench.Load pn = Bench.median(py);
      Bench.Load jm = Bench.median(javaMnist);
      Bench.Load pm = Bench.median(pyMnist);
      System.out.println();
      System.out.printf("%-46s %12s %10s %10s%n", "Python next to Java (median rounds)", "requests/s", "p50 ms", "p99 ms");
      System.out.printf("%-46s %12.0f %10.3f %10.3f%n", "no-op, Java deployment", jn.rps(), jn.p50ms(), jn.p99ms());
      System.out.printf("%-46s %12.0f %10.3f %10.3f%n", "no-op, Python deployment", pn.rps(), pn.p50ms(), pn.p99ms());
      System.out.printf("%-46s %12.2f   (goal >= 0.30; median of the rounds' own ratios)%n", "ratio Python/Java, no-op", Bench.medianRatio(py, java));
      System.out.printf("%-46s %12.0f %10.1f %10.1f%n", "MNIST, Java service", jm.rps(), jm.p50ms(), jm.p99ms());
      System.out.printf("%-46s %12.0f %10.1f %10.1f%n", "MNIST, Python ingress + @serve.batch", pm.rps(), pm.p50ms(), pm.p99ms());
      System.out.printf("%-46s %12.2f   (goal >= 0.80; median of the rounds' own ratios)%n", "ratio Python/Java, MNIST",
          Bench.medianRatio(pyMnist, javaMnist));
      System.out.printf("%-46s %9.2f s%n", "first Python replica of the JVM (engine start)", firstS);
      System.out.printf("%-46s %9.2f s   (goal <= 0.5 s; deployed after the node was idle 1 s: a context made ahead)%n",
          "another Python replica in the running node", thirdS);
      System.out.printf("%-46s %9.2f s   (at once after the first: no context made ahead yet)%n", "  the same, right after the first", secondS);
      System.out.printf("%-46s %9.2f s   (goal <= 3 s; five one-replica deployments, bench/python/five.py)%n",
          "a 5-deployment Python app ready, engine warm", fiveS);
    } finally {
      DeploymentResponse.of(node.close()).await();
    }
  }

  /** Deploys {@code app} with one replica under {@code name}; seconds until it serves. */
  private static double secondsToDeploy(ServeNode node, Application app, String name) {
    return secondsToDeploy(node, app, name, Map.of("Constant", Map.of("num_replicas", 1)));
  }

  private static double secondsToDeploy(ServeNode node, Application app, String name, Map<String, Map<String, Object>> overrides) {
    long t0 = System.nanoTime();
    DeploymentResponse.of(node.deploy(app, name, "/" + name, overrides)).await();
    return (System.nanoTime() - t0) / 1e9;
  }
}
