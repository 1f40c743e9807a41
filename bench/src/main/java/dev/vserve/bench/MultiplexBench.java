package dev.vserve.bench;

import dev.vserve.DeploymentResponse;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.examples.MnistMultiplexed;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.examples.mnist.MnistVariants;
import dev.vserve.impl.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model multiplexing on MNIST ({@link MnistMultiplexed}: 2 replicas, at most 2 models each, 4 models):
 * 2000 requests from {@value #CLIENTS} closed-loop clients, whose model ids follow a skewed
 * distribution (55 / 25 / 12 / 8 %), with the
 * routers' model affinity and without it (plain power of two choices), interleaved, each round on a
 * fresh deployment (empty caches): requests/s, p50, and how many model loads the replicas made.
 */
public final class MultiplexBench {
  private static final int REQUESTS = 2000;
  private static final int CLIENTS = 32;
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final double[] SKEW = {0.55, 0.25, 0.12, 0.08};

  private MultiplexBench() {}

  static void run() throws Exception {
    MnistData data = MnistData.load();
    for (String id : MnistVariants.IDS) MnistVariants.ensure(Path.of("examples-java/models/mnist"), id);
    Random rnd = new Random(42);
    List<String> models = new ArrayList<>(REQUESTS);
    List<Buffer> bodies = new ArrayList<>(REQUESTS);
    for (int k = 0; k < REQUESTS; k++) {
      double u = rnd.nextDouble();
      int m = 0;
      for (double acc = SKEW[0]; u > acc && m < SKEW.length - 1; acc += SKEW[++m]) { }
      models.add(MnistVariants.IDS.get(m));
      bodies.add(Buffer.buffer(Json.encode(Map.of("image", data.image(data.trainCount + k % data.testCount())))));
    }
    System.out.printf("%nvserve model multiplexing: MNIST, %d requests from %d clients over 4 models (55/25/12/8 %%), "
        + "2 replicas x 2 models, median of %d interleaved rounds%n", REQUESTS, CLIENTS, ROUNDS);
    List<double[]> with = new ArrayList<>();
    List<double[]> without = new ArrayList<>();
    for (int round = 0; round < ROUNDS + 1; round++) {
      double[] a = once(true, models, bodies);
      double[] b = once(false, models, bodies);
      System.out.printf("  round %d%s: affinity %.0f req/s %d loads; random %.0f req/s %d loads%n", round,
          round == 0 ? " (warm-up)" : "", a[0], (int) a[2], b[0], (int) b[2]);
      if (round == 0) continue;
      with.add(a);
      without.add(b);
    }
    double[] a = median(with);
    double[] b = median(without);
    System.out.printf("%-40s %12s %10s %12s%n", "", "requests/s", "p50 ms", "model loads");
    System.out.printf("%-40s %12.0f %10.1f %12.0f%n", "model affinity (vserve's routing)", a[0], a[1], a[2]);
    System.out.printf("%-40s %12.0f %10.1f %12.0f%n", "no affinity (power of two choices)", b[0], b[1], b[2]);
    System.out.printf("%-40s %12.2f%n", "requests/s, affinity / none", a[0] / b[0]);
  }

  private static double[] median(List<double[]> runs) {
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      int col = i;
      out[i] = runs.stream().mapToDouble(r -> r[col]).sorted().toArray()[runs.size() / 2];
    }
    return out;
  }

  /** One client: its next request once the last is answered, until all are sent. */
  private static void send(HttpClient http, List<String> models, List<Buffer> bodies, long[] latency, AtomicInteger failures,
                           AtomicInteger next, java.util.concurrent.CountDownLatch done) {
    int idx = next.getAndIncrement();
    if (idx >= bodies.size()) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/").putHeader("serve_multiplexed_model_id", models.get(idx)))
        .compose(req -> req.send(bodies.get(idx)))
        .compose(resp -> {
          if (resp.statusCode() != 200) failures.incrementAndGet();
          return resp.body();
        })
        .onComplete(ar -> {
          if (ar.failed()) failures.incrementAndGet();
          latency[idx] = System.nanoTime() - start;
          send(http, models, bodies, latency, failures, next, done);
        });
  }

  /** One round on a fresh node: {requests/s, p50 ms, loads}. */
  private static double[] once(boolean affinity, List<String> models, List<Buffer> bodies) throws Exception {
    System.setProperty("vserve.router.modelAffinity", Boolean.toString(affinity));
    ServeNode node = DeploymentResponse.of(Serve.start(new ServeOptions().setHttpPort(0).setMetricsEnabled(false))).await();
    Vertx client = Vertx.vertx();
    try {
      DeploymentResponse.of(node.deploy(MnistMultiplexed.app, "mux", "/")).await();
      HttpClient http = client.createHttpClient(new HttpClientOptions().setDefaultPort(node.httpPort()).setDefaultHost("127.0.0.1"),
          new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
      int loadsBefore = MnistMultiplexed.LOADS_IN_JVM.get();
      long[] latency = new long[bodies.size()];
      AtomicInteger failures = new AtomicInteger();
      AtomicInteger next = new AtomicInteger();
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(CLIENTS);
      long t0 = System.nanoTime();
      for (int c = 0; c < CLIENTS; c++) client.runOnContext(v -> send(http, models, bodies, latency, failures, next, done));
      done.await();
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (failures.get() > 0) throw new IllegalStateException(failures.get() + " requests failed");
      java.util.Arrays.sort(latency);
      return new double[] {bodies.size() / seconds, latency[latency.length / 2] / 1e6, MnistMultiplexed.LOADS_IN_JVM.get() - loadsBefore};
    } finally {
      client.close().await();
      DeploymentResponse.of(node.close()).await();
      System.clearProperty("vserve.router.modelAffinity");
    }
  }
}
