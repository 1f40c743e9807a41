package dev.vserve.bench;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.DeploymentHandle;
import dev.vserve.DeploymentResponse;
import dev.vserve.Request;
import dev.vserve.Serve;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The foundation benchmark, in one process tree and one run: (a) a raw Vert.x HTTP server answering
 * a constant and (b) the same constant from a vserve deployment (proxy, router, event bus, replica on
 * a virtual thread), both under the same wrk load; then handle round trips in-process.
 * Run it with {@code ./bench/run}; it is not part of the tests.
 */
public final class Bench {
  private static final byte[] CONSTANT = "{\"result\":\"ok\"}".getBytes();

  @Deployment(numReplicas = 2, maxOngoingRequests = 64)
  public static class Constant {
    public Map<String, String> call(Request request) {
      return Map.of("result", "ok");
    }

    public int ping() {
      return 1;
    }
  }

  /** The same answer from a non-blocking method: it runs on the proxy's event loop (HelloAsync's style). */
  @Deployment(numReplicas = 2, maxOngoingRequests = 64)
  public static class ConstantAsync {
    private static final Map<String, String> OK = Map.of("result", "ok");

    public Future<Map<String, String>> call(Request request) {
      return Future.succeededFuture(OK);
    }

    public Future<Integer> ping() {
      return Future.succeededFuture(1);
    }
  }

  /** The baseline: plain Vert.x, same number of event loops as the vserve proxy. */
  public static class RawServer extends VerticleBase {
    @Override
    public Future<?> start() {
      Buffer body = Buffer.buffer(CONSTANT);
      return vertx.createHttpServer().requestHandler(req -> req.response()
          .putHeader("content-type", "application/json").end(body)).listen(config().getInteger("port"));
    }
  }

  record Load(double rps, double p50ms, double p99ms) {}

  /** Each round compares the two under the same noise; the median of those ratios is the figure. */
  static double medianRatio(List<Load> a, List<Load> b) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) ratios.add(a.get(i).rps() / b.get(i).rps());
    ratios.sort(Double::compare);
    return ratios.get(ratios.size() / 2);
  }

  /** The round with the median throughput. */
  static Load median(List<Load> rounds) {
    List<Load> sorted = new ArrayList<>(rounds);
    sorted.sort((x, y) -> Double.compare(x.rps(), y.rps()));
    return sorted.get(sorted.size() / 2);
  }

  /** {@code Bench [http|stream|mnist|cluster|python|autoscale|tasks|multiplex|all]}: the sections to run (default all). */
  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "all";
    if (which.equals("all") || which.equals("http")) http();
    if (which.equals("all") || which.equals("stream")) StreamBench.run();
    if (which.equals("all") || which.equals("mnist")) MnistBench.run();
    if (which.equals("all") || which.equals("cluster")) ClusterBench.run();
    if (which.equals("all") || which.equals("python")) PythonBench.run();
    if (which.equals("all") || which.equals("autoscale")) AutoscaleBench.run();
    if (which.equals("all") || which.equals("tasks")) TaskBench.run();
    if (which.equals("all") || which.equals("multiplex")) MultiplexBench.run();
    System.exit(0);
  }

  static void http() throws Exception {
    int seconds = Integer.parseInt(System.getProperty("bench.seconds", "10"));
    int connections = Integer.parseInt(System.getProperty("bench.connections", "64"));
    ServeOptions options = new ServeOptions().setHttpPort(freePort());
    int rawPort = freePort();

    Vertx rawVertx = Vertx.vertx();
    rawVertx.deployVerticle(RawServer.class, new DeploymentOptions().setInstances(options.getProxyInstances())
        .setConfig(new io.vertx.core.json.JsonObject().put("port", rawPort))).await();
    ServeNode node = DeploymentResponse.of(Serve.start(options)).await();
    DeploymentHandle handle = DeploymentResponse.of(node.deploy(Application.bind(Constant.class), "bench", "/")).await();
    DeploymentHandle asyncHandle = DeploymentResponse.of(node.deploy(Application.bind(ConstantAsync.class), "async", "/async")).await();
    // the same node without metrics, to measure what they cost in the same run
    ServeNode quiet = DeploymentResponse.of(Serve.start(new ServeOptions().setHttpPort(freePort()).setMetricsEnabled(false))).await();
    DeploymentResponse.of(quiet.deploy(Application.bind(Constant.class), "bench", "/")).await();

    int rounds = Integer.parseInt(System.getProperty("bench.rounds", "5"));
    System.out.printf("vserve benchmark: %d cores, wrk -t2 -c%d -d%ds after a warm-up, %d event loops per server, "
        + "%d interleaved rounds (medians)%n", Runtime.getRuntime().availableProcessors(), connections, seconds,
        options.getProxyInstances(), rounds);
    // warm all up (JIT), then measure them in turns under the same load
    int warmup = Integer.parseInt(System.getProperty("bench.warmup", "5"));
    wrk(rawPort, connections, warmup);
    wrk(node.httpPort(), connections, warmup);
    wrk(quiet.httpPort(), connections, warmup);
    wrk(node.httpPort(), "/async", connections, warmup);
    List<Load> raws = new ArrayList<>();
    List<Load> serves = new ArrayList<>();
    List<Load> quiets = new ArrayList<>();
    List<Load> asyncs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      raws.add(wrk(rawPort, connections, seconds));
      serves.add(wrk(node.httpPort(), connections, seconds));
      quiets.add(wrk(quiet.httpPort(), connections, seconds));
      asyncs.add(wrk(node.httpPort(), "/async", connections, seconds));
    }
    Load raw = median(raws);
    Load serve = median(serves);
    Load off = median(quiets);
    Load async = median(asyncs);
    rawVertx.close().await();
    DeploymentResponse.of(quiet.close()).await();

    long[] roundTrips = roundTrips(handle.method("ping"), 20_000, 50_000);
    double handleRps = throughput(handle.method("ping"), 64, seconds);
    long[] asyncTrips = roundTrips(asyncHandle.method("ping"), 20_000, 50_000);

    System.out.println();
    System.out.printf("%-40s %12s %10s %10s%n", "HTTP, constant JSON answer", "requests/s", "p50 ms", "p99 ms");
    System.out.printf("%-40s %12.0f %10.3f %10.3f%n", "(a) raw Vert.x HTTP server", raw.rps, raw.p50ms, raw.p99ms);
    System.out.printf("%-40s %12.0f %10.3f %10.3f%n", "(b) vserve proxy -> replica", serve.rps, serve.p50ms, serve.p99ms);
    System.out.printf("%-40s %12.0f %10.3f %10.3f%n", "(c) the same, metrics off", off.rps, off.p50ms, off.p99ms);
    System.out.printf("%-40s %12.0f %10.3f %10.3f%n", "(d) non-blocking method (HelloAsync)", async.rps, async.p50ms, async.p99ms);
    System.out.printf("%-40s %12.2f   (goal >= 0.50)%n", "ratio (b)/(a)", serve.rps / raw.rps);
    System.out.printf("%-40s %12.2f   (goal >= 0.95: metrics cost at most 5%%)%n", "ratio (b)/(c)", serve.rps / off.rps);
    System.out.printf("%-40s %12.2f   (goal >= 0.80)%n", "ratio (d)/(a)", async.rps / raw.rps);
    System.out.printf("rounds, requests/s: raw %s, vserve %s, metrics off %s, non-blocking %s%n", rps(raws), rps(serves),
        rps(quiets), rps(asyncs));
    System.out.println();
    System.out.printf("%-40s p50 %.1f us, p99 %.1f us   (goal p50 <= 100 us)%n", "handle no-op round trip (sequential)",
        percentile(roundTrips, 50) / 1e3, percentile(roundTrips, 99) / 1e3);
    System.out.printf("%-40s p50 %.1f us, p99 %.1f us   (goal p50 <= 10 us)%n", "handle round trip, non-blocking method",
        percentile(asyncTrips, 50) / 1e3, percentile(asyncTrips, 99) / 1e3);
    System.out.printf("%-40s %.0f calls/s%n", "handle throughput, 64 in flight", handleRps);

    DeploymentResponse.of(node.close()).await();
  }

  private static String rps(List<Load> loads) {
    return loads.stream().map(l -> String.format("%.0f", l.rps())).toList().toString();
  }

  /** Runs wrk against a port and reads requests/s and the latency distribution from its report. */
  static Load wrk(int port, int connections, int seconds) throws Exception {
    return wrk(port, "/", connections, seconds);
  }

  static Load wrk(int port, String path, int connections, int seconds) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
        "http://127.0.0.1:" + port + path).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) out.append(line).append('\n');
    }
    if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed:\n" + out);
    }
    String text = out.toString();
    if (text.contains("Non-2xx") || text.contains("Socket errors")) {
      throw new IllegalStateException("wrk saw errors, the figures would be meaningless:\n" + text);
    }
    return new Load(number(text, "Requests/sec:\\s+([\\d.]+)"), latencyMs(text, "50%"), latencyMs(text, "99%"));
  }

  private static double latencyMs(String text, String pct) {
    Matcher m = Pattern.compile("\\s" + pct + "\\s+([\\d.]+)(us|ms|s)").matcher(text);
    if (!m.find()) throw new IllegalStateException("no " + pct + " latency in wrk output:\n" + text);
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) throw new IllegalStateException("no match for " + regex + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  /** Sequential calls from an ordinary thread: the latency of one handle call. */
  static long[] roundTrips(DeploymentHandle h, int warmup, int n) {
    for (int i = 0; i < warmup; i++) h.remote().await();
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      h.remote().await();
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  /** Keeps {@code inFlight} calls outstanding, each completion issuing the next, for a fixed time. */
  static double throughput(DeploymentHandle h, int inFlight, int seconds) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch finished = new CountDownLatch(inFlight);
    List<Runnable> loops = new ArrayList<>();
    for (int i = 0; i < inFlight; i++) {
      loops.add(new Runnable() {
        @Override
        public void run() {
          h.remote().onComplete(ar -> {
            if (ar.failed()) throw new IllegalStateException(ar.cause());
            done.incrementAndGet();
            if (System.nanoTime() < end) run(); else finished.countDown();
          });
        }
      });
    }
    long t0 = System.nanoTime();
    loops.forEach(Runnable::run);
    finished.await();
    return done.get() / ((System.nanoTime() - t0) / 1e9);
  }

  static double percentile(long[] sorted, int pct) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(pct / 100.0 * sorted.length) - 1)];
  }

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
