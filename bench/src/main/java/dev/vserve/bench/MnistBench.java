package dev.vserve.bench;

import dev.vserve.BatchOptions;
import dev.vserve.DeploymentResponse;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.djl.DjlModel;
import dev.vserve.examples.MnistService;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.examples.mnist.MnistNet;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed tutorial's experiment: 2000 concurrent requests of one image each (here real held-out
 * digits), against (a) offline in-process DJL inference in batches of 128 on the same inputs, the
 * compute ceiling; (b) vserve with the seed's batching; (c) vserve without batching. One replica
 * and one inference thread (one PyTorch thread, one batch at a time) everywhere, so all three have
 * the same compute; (a) and (b) run forward passes of 32 images, (c) of one.
 */
final class MnistBench {
  static final int REQUESTS = 2000;
  static final int ROUNDS = 5;
  /** The served path (HTTP, JSON, JIT) keeps speeding up for a few rounds; the model call settles sooner. */
  static final int WARMUP_ROUNDS = 3;
  static final int CONNECTIONS = 256;

  private MnistBench() {}

  static void run() throws Exception {
    MnistData data = MnistData.load();
    List<Buffer> bodies = new ArrayList<>(REQUESTS);
    float[] all = new float[REQUESTS * 784];
    for (int k = 0; k < REQUESTS; k++) {
      int i = data.trainCount + (k % data.testCount());
      float[][] img = data.image(i);
      bodies.add(Buffer.buffer(Json.encode(Map.of("image", img))));
      for (int r = 0; r < 28; r++) System.arraycopy(img[r], 0, all, k * 784 + r * 28, 28);
    }
    // the same images as Open Inference Protocol requests with binary tensors (one JSON header, raw floats after it)
    byte[] v2Header = Json.encode(Map.of("inputs", List.of(Map.of("name", "image", "datatype", "FP32", "shape", List.of(1, 1, 28, 28),
        "parameters", Map.of("binary_data_size", 784 * 4))), "outputs", List.of(Map.of("name", "predicted_label"))));
    List<Buffer> v2Bodies = new ArrayList<>(REQUESTS);
    for (int k = 0; k < REQUESTS; k++) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v2Header.length + 784 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.put(v2Header);
      for (int p = 0; p < 784; p++) b.putFloat(all[k * 784 + p]);
      v2Bodies.add(Buffer.buffer(b.array()));
    }
    MnistNet.normalise(all, all);

    // the three cases run interleaved, round after round, so the machine's noise hits them alike
    ServeNode node = DeploymentResponse.of(Serve.start(new ServeOptions().setHttpPort(0))).await();
    Vertx clientVertx = Vertx.vertx();
    try (DjlModel model = DjlModel.load(Path.of("examples-java/models/mnist"), "mnist", MnistNet.block())
        .splitBatchesOf(MnistService.FORWARD_BATCH)) {
      // the seed's settings unless -Dbench.mnist.waitMs says otherwise (to see what the wait costs)
      long waitMs = Long.getLong("bench.mnist.waitMs", 100);
      BatchOptions seed = new BatchOptions().setBatchWaitTimeoutMs(waitMs);
      // both batched entry points: the seed's JSON (predict) and the Open Inference Protocol's (infer)
      DeploymentResponse.of(node.deploy(Serve.deployment(MnistService.class)
          .options(c -> c.setBatchOptions("predict", seed).setBatchOptions("infer", seed)).bind(), "batched", "/batched")).await();
      BatchOptions none = new BatchOptions().setMaxBatchSize(1).setBatchWaitTimeoutMs(0);
      DeploymentResponse.of(node.deploy(Serve.deployment(MnistService.class)
          .options(c -> c.setBatchOptions("predict", none)).bind(), "unbatched", "/unbatched")).await();
      HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setDefaultPort(node.httpPort())
          .setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(CONNECTIONS).setMaxWaitQueueSize(-1));
      List<Bench.Load> offline = new ArrayList<>();
      List<Bench.Load> batched = new ArrayList<>();
      List<Bench.Load> unbatched = new ArrayList<>();
      List<Bench.Load> v2 = new ArrayList<>();
      for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
        Bench.Load a = offline(model, all);
        Bench.Load b = blast(client, "/batched", bodies, null);
        Bench.Load c = blast(client, "/unbatched", bodies, null);
        Bench.Load d = blast(client, "/v2/models/batched/infer", v2Bodies, Integer.toString(v2Header.length));
        System.out.printf("  round %d%s: (a) %.0f  (b) %.0f  (c) %.0f  (d) %.0f requests/s%n", round,
            round < WARMUP_ROUNDS ? " (warm-up)" : "", a.rps(), b.rps(), c.rps(), d.rps());
        if (round < WARMUP_ROUNDS) continue;
        offline.add(a);
        batched.add(b);
        unbatched.add(c);
        v2.add(d);
      }
      Bench.Load a = Bench.median(offline);
      Bench.Load b = Bench.median(batched);
      Bench.Load c = Bench.median(unbatched);
      Bench.Load d = Bench.median(v2);
      System.out.println();
      System.out.printf("%-46s %12s %10s %10s%n", "MNIST, 2000 concurrent requests (median of " + ROUNDS + ")",
          "requests/s", "p50 ms", "p99 ms");
      System.out.printf("%-46s %12.0f %10.1f %10.1f%n", "(a) offline DJL, same batches (ceiling)", a.rps(), a.p50ms(), a.p99ms());
      System.out.printf("%-46s %12.0f %10.1f %10.1f%n", "(b) vserve, @Batch(128, " + waitMs + " ms)", b.rps(), b.p50ms(), b.p99ms());
      System.out.printf("%-46s %12.0f %10.1f %10.1f%n", "(c) vserve, no batching", c.rps(), c.p50ms(), c.p99ms());
      System.out.printf("%-46s %12.0f %10.1f %10.1f%n", "(d) vserve, KServe v2 binary tensors, batched", d.rps(), d.p50ms(), d.p99ms());
      System.out.printf("%-46s %12.2f   (goal >= 0.90)%n", "ratio (b)/(a)", b.rps() / a.rps());
      System.out.printf("%-46s %12.2f   (goal >= 0.95)%n", "ratio (d)/(a)", d.rps() / a.rps());
      System.out.printf("%-46s %12.2f   (goal >= 3)%n", "ratio (b)/(c)", b.rps() / c.rps());
    } finally {
      clientVertx.close().await();
      DeploymentResponse.of(node.close()).await();
    }
  }

  /** All 2000 "arrive" at once; each image's latency is when its batch of 128 is done. */
  static Bench.Load offline(DjlModel model, float[] all) {
    long[] latency = new long[REQUESTS];
    long t0 = System.nanoTime();
    for (int start = 0; start < REQUESTS; start += 128) {
      int n = Math.min(128, REQUESTS - start);
      model.predict(Arrays.copyOfRange(all, start * 784, (start + n) * 784), n, 1, 28, 28);
      long done = System.nanoTime() - t0;
      for (int k = 0; k < n; k++) latency[start + k] = done;
    }
    return summarize(latency, System.nanoTime() - t0);
  }

  /** {@code headerLength}: the Open Inference Protocol's binary extension header, or null for JSON bodies. */
  static Bench.Load blast(HttpClient client, String uri, List<Buffer> bodies, String headerLength) {
    long[] latency = new long[bodies.size()];
    AtomicInteger failures = new AtomicInteger();
    List<Future<?>> all = new ArrayList<>(bodies.size());
    long t0 = System.nanoTime();
    for (int k = 0; k < bodies.size(); k++) {
      int idx = k;
      long start = System.nanoTime();
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(uri)
          .putHeader("content-type", headerLength == null ? "application/json" : "application/octet-stream");
      if (headerLength != null) options.putHeader("Inference-Header-Content-Length", headerLength);
      all.add(client.request(options)
          .compose(req -> req.send(bodies.get(idx)))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            latency[idx] = System.nanoTime() - start;
            if (ar.failed() || ar.result() != 200) failures.incrementAndGet();
          }));
    }
    Future.join(all).await();
    long elapsed = System.nanoTime() - t0;
    if (failures.get() > 0) throw new IllegalStateException(failures.get() + " of " + bodies.size() + " requests failed");
    return summarize(latency, elapsed);
  }

  private static Bench.Load summarize(long[] latency, long elapsedNanos) {
    long[] sorted = latency.clone();
    Arrays.sort(sorted);
    return new Bench.Load(latency.length / (elapsedNanos / 1e9), Bench.percentile(sorted, 50) / 1e6,
        Bench.percentile(sorted, 99) / 1e6);
  }
}
