package dev.vserve.bench;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.DeploymentResponse;
import dev.vserve.Get;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Streaming through the proxy from one replica: tokens per second of one long SSE stream whose
 * producer does not wait, and the time to the first token of short streams (request sent to the
 * first event's bytes), which is the proxy path's own overhead since the producer answers at once.
 */
final class StreamBench {
  private StreamBench() {}

  @Deployment
  public static class Counter {
    @Get("/")
    public Stream<String> count(long n) {
      return Stream.generate(() -> "t").limit(n);
    }
  }

  static void run() throws Exception {
    ServeNode node = DeploymentResponse.of(Serve.start(new ServeOptions().setHttpPort(0))).await();
    Vertx clientVertx = Vertx.vertx();
    try {
      DeploymentResponse.of(node.deploy(Application.bind(Counter.class), "stream", "/")).await();
      HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setDefaultPort(node.httpPort())
          .setDefaultHost("127.0.0.1"));
      long n = Long.getLong("bench.stream.tokens", 500_000);
      double best = best(client, "/", n);
      // time to first token with the JDK's client (keep-alive): a tight sequential loop of Vert.x
      // client await()s stalled now and then in this harness, while curl and the JDK client never did
      java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      java.net.http.HttpRequest one = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/?n=1"))
          .header("accept", "text/event-stream").timeout(java.time.Duration.ofSeconds(10)).build();
      long[] ttft = firstTokens(jdk, one);
      // the Python app only now: starting GraalPy keeps the JIT compilers busy for a while (the
      // interpreter's own Java code), which on 2 cores would otherwise be measured as the Java stream's cost
      DeploymentResponse.of(node.deploy(new dev.vserve.python.PythonApplications().load("bench/python/counter.py").app(),
          "py-stream", "/py")).await();
      // a Python generator: every token is one step of it on the replica's Python thread (longer
      // streams: Graal needs a few hundred thousand steps to compile the loop on these 2 cores)
      double bestPython = best(client, "/py/", Long.getLong("bench.stream.pythonTokens", 400_000));
      long[] ttftPython = firstTokens(jdk, java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/py/?n=1"))
          .header("accept", "text/event-stream").timeout(java.time.Duration.ofSeconds(10)).build());
      System.out.println();
      System.out.printf("%-46s %,.0f tokens/s   (goal >= 100,000)%n", "SSE stream, one replica, no delay (best of 3)", best);
      System.out.printf("%-46s %,.0f tokens/s%n", "the same from a Python generator (best of 3)", bestPython);
      System.out.printf("%-46s p50 %.3f ms, p99 %.3f ms   (goal p50 <= 1 ms)%n", "time to first token through the proxy",
          Bench.percentile(ttft, 50) / 1e6, Bench.percentile(ttft, 99) / 1e6);
      System.out.printf("%-46s p50 %.3f ms, p99 %.3f ms%n", "the same from a Python generator",
          Bench.percentile(ttftPython, 50) / 1e6, Bench.percentile(ttftPython, 99) / 1e6);
    } finally {
      clientVertx.close().await();
      DeploymentResponse.of(node.close()).await();
    }
  }

  /** The best of 3 streams of {@code n} tokens from {@code path}, after one of n/4 to warm up. */
  private static double best(HttpClient client, String path, long n) {
    stream(client, path, n / 4);
    double best = 0;
    for (int i = 0; i < 3; i++) {
      double rate = stream(client, path, n);
      if (Boolean.getBoolean("bench.verbose")) System.out.printf("  %s stream of %d tokens: %.0f tokens/s%n", path, n, rate);
      best = Math.max(best, rate);
    }
    return best;
  }

  /** Reads one stream of {@code n} tokens; returns tokens per second. */
  private static double stream(HttpClient client, String path, long n) {
    AtomicLong events = new AtomicLong();
    Promise<Long> done = Promise.promise();
    long t0 = System.nanoTime();
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(path + "?n=" + n).putHeader("accept", "text/event-stream"))
        .compose(req -> req.send())
        .onSuccess(resp -> {
          resp.handler(buf -> {
            // "id: N\ndata: t\n\n" has 3 newlines, as has the final "event: end\ndata: \n\n"; newlines
            // are counted exactly however the events are cut into buffers
            long nl = 0;
            for (int i = 0; i < buf.length(); i++) if (buf.getByte(i) == '\n') nl++;
            events.addAndGet(nl);
          });
          resp.endHandler(v -> done.complete(events.get() / 3 - 1));
        })
        .onFailure(done::fail);
    long got = done.future().await();
    if (got != n) throw new IllegalStateException("expected " + n + " tokens, counted " + got);
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** 3000 times to first token after 500 to warm up, sorted. */
  private static long[] firstTokens(java.net.http.HttpClient jdk, java.net.http.HttpRequest one) throws Exception {
    long[] ttft = new long[3000];
    for (int i = 0; i < 500; i++) firstToken(jdk, one);
    for (int i = 0; i < ttft.length; i++) ttft[i] = firstToken(jdk, one);
    Arrays.sort(ttft);
    return ttft;
  }

  /** Nanoseconds from sending a request to the first line of the stream's first event. */
  private static long firstToken(java.net.http.HttpClient jdk, java.net.http.HttpRequest one) throws Exception {
    long t0 = System.nanoTime();
    java.net.http.HttpResponse<java.io.InputStream> r = jdk.send(one, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), java.nio.charset.StandardCharsets.UTF_8))) {
      String first = in.readLine();
      long ns = System.nanoTime() - t0;
      if (!"id: 0".equals(first)) throw new IllegalStateException("unexpected stream start: " + first);
      while (in.readLine() != null) {
        // read to the end so the connection is reused
      }
      return ns;
    }
  }
}
