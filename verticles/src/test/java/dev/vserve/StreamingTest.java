package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handlers that return items one by one, read by real HTTP clients byte by byte. */
class StreamingTest {
  static volatile CountDownLatch gate = new CountDownLatch(1);
  static final AtomicInteger produced = new AtomicInteger();
  static final AtomicInteger closed = new AtomicInteger();

  /** An endless producer of 1 KB items that counts what it made and whether it was closed. */
  static final class Endless implements Iterator<String>, AutoCloseable {
    private static final String KB = "x".repeat(1024);

    @Override public boolean hasNext() { return true; }

    @Override
    public String next() {
      produced.incrementAndGet();
      return KB;
    }

    @Override public void close() { closed.incrementAndGet(); }
  }

  @Deployment(maxOngoingRequests = 4)
  public static class Tokens {
    @Get("/tokens")
    public Stream<String> tokens(int n) {
      return IntStream.range(0, n).mapToObj(i -> "tok" + i);
    }

    @Get("/gated")
    public Iterator<String> gated() {
      return new Iterator<>() {
        int i;

        @Override public boolean hasNext() { return i < 2; }

        @Override
        public String next() {
          if (i >= 2) throw new NoSuchElementException();
          if (i == 1) {
            try {
              gate.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
          return i++ == 0 ? "first" : "second";
        }
      };
    }

    @Get("/broken")
    public Iterator<Object> broken() {
      return Stream.<Object>of("a", "b").map(x -> {
        if (x.equals("b")) throw new IllegalStateException("mid-stream");
        return x;
      }).iterator();
    }

    @Get("/endless")
    public StreamingResponse endless() {
      return StreamingResponse.of(new Endless(), "text/event-stream");
    }

    @Get("/ok")
    public String ok() {
      return "ok";
    }
  }

  /** Streams from another deployment through a handle, and re-yields the items changed. */
  @Deployment
  public static class Relay {
    private final DeploymentHandle tokens;

    public Relay(DeploymentHandle tokens) {
      this.tokens = tokens;
    }

    @Get("/relay")
    public Iterator<String> relay(int n) {
      DeploymentStream upstream = tokens.method("tokens").stream(n).await();
      return java.util.stream.StreamSupport.stream(upstream.spliterator(), false)
          .map(x -> x.toString().toUpperCase()).iterator();
    }
  }

  static ServeNode node;
  static Http http;
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    node = Nodes.start();
    http = new Http(node.httpPort());
    Nodes.deploy(node, Application.bind(Tokens.class), "stream", "/");
    Nodes.deploy(node, Application.bind(Relay.class, Application.bind(Tokens.class)), "relay", "/r");
  }

  @AfterAll
  static void stop() {
    gate.countDown();
    Nodes.close(node);
  }

  @BeforeEach
  void reset() {
    produced.set(0);
    closed.set(0);
    gate = new CountDownLatch(1);
  }

  private HttpResponse<InputStream> sse(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .header("accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  void itemsAreServerSentEventsWithIdsInOrderAndAnEnd() throws Exception {
    HttpResponse<InputStream> r = sse("/tokens?n=3");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
    assertTrue(r.headers().firstValue("x-request-id").isPresent());
    String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals("id: 0\ndata: tok0\n\nid: 1\ndata: tok1\n\nid: 2\ndata: tok2\n\nevent: end\ndata: \n\n", body);
  }

  @Test
  void withoutEventStreamTheItemsAreChunks() {
    HttpResponse<String> r = http.get("/tokens?n=3");
    assertEquals(200, r.statusCode());
    assertEquals("tok0tok1tok2", r.body());
    assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
  }

  @Test
  void theFirstItemArrivesBeforeTheProducerFinishes() throws Exception {
    HttpResponse<InputStream> r = sse("/gated");
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    assertEquals("id: 0", in.readLine());
    assertEquals("data: first", in.readLine());
    assertEquals(1, gate.getCount(), "the producer is still waiting for the gate");
    gate.countDown();
    assertEquals("", in.readLine());
    assertEquals("id: 1", in.readLine());
    assertEquals("data: second", in.readLine());
  }

  @Test
  void aFailureMidStreamIsAnErrorEvent() throws Exception {
    String body = new String(sse("/broken").body().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(body.startsWith("id: 0\ndata: a\n\nevent: error\ndata: {\"error\":\"IllegalStateException\",\"message\":\"mid-stream\""), body);
    assertTrue(body.endsWith("event: end\ndata: \n\n"), body);
    assertEquals(200, http.get("/ok").statusCode(), "the replica serves on");
  }

  @Test
  void handlesStreamAsAReadStreamOrABlockingIterator() throws Exception {
    DeploymentHandle tokens = node.handle("stream", "Tokens");
    java.util.List<Object> blocking = new java.util.ArrayList<>();
    for (Object o : tokens.method("tokens").stream(4).await()) blocking.add(o);
    assertEquals(java.util.List.of("tok0", "tok1", "tok2", "tok3"), blocking);

    java.util.concurrent.CompletableFuture<java.util.List<Object>> viaVertx = new java.util.concurrent.CompletableFuture<>();
    node.vertx().runOnContext(v -> tokens.method("tokens").stream(3).onSuccess(stream -> {
      java.util.List<Object> got = new java.util.ArrayList<>();
      stream.pause();
      stream.handler(item -> {
        got.add(item);
        stream.fetch(1);  // one at a time: back-pressure from the consumer
      });
      stream.endHandler(end -> viaVertx.complete(got));
      stream.fetch(1);
    }).onFailure(viaVertx::completeExceptionally));
    assertEquals(java.util.List.of("tok0", "tok1", "tok2"), viaVertx.get(10, java.util.concurrent.TimeUnit.SECONDS));
  }

  @Test
  void callingAStreamTheWrongWayIsAClearError() {
    DeploymentHandle tokens = node.handle("stream", "Tokens");
    ServeException asValue = org.junit.jupiter.api.Assertions.assertThrows(ServeException.class,
        () -> tokens.method("tokens").remote(2).await());
    assertTrue(asValue.getMessage().contains("call stream()"), asValue.getMessage());
    ServeException notStream = org.junit.jupiter.api.Assertions.assertThrows(ServeException.class,
        () -> tokens.method("ok").stream().await());
    assertTrue(notStream.getMessage().contains("does not return a stream"), notStream.getMessage());
  }

  @Test
  void aStreamFlowsFromOneDeploymentThroughAnother() throws Exception {
    String body = new String(sse("/r/relay?n=3").body().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals("id: 0\ndata: TOK0\n\nid: 1\ndata: TOK1\n\nid: 2\ndata: TOK2\n\nevent: end\ndata: \n\n", body);
  }

  private static Socket openEndless(int port) throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    s.setReceiveBufferSize(16 * 1024);
    OutputStream o = s.getOutputStream();
    o.write("GET /endless HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    o.flush();
    return s;
  }

  @Test
  void aClientThatGoesAwayStopsTheProducerWithinASecond() throws Exception {
    try (Socket s = openEndless(node.httpPort())) {
      s.getInputStream().readNBytes(4096);
    }
    long t0 = System.nanoTime();
    Poll.until("the producer to be closed", Duration.ofSeconds(1), () -> closed.get() == 1);
    assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
    // its slot is free again: all 4 slots serve
    for (int i = 0; i < 4; i++) assertEquals(200, http.get("/ok").statusCode());
  }

  @Test
  void aClientThatDoesNotReadHoldsTheProducerBack() throws Exception {
    try (Socket s = openEndless(node.httpPort())) {
      // it stops making items once the buffers on the way are full
      Poll.untilSteady("the producer to stop", Duration.ofSeconds(10), Duration.ofMillis(300), 0, produced::get);
      assertTrue(produced.get() < 50_000, "an unread stream made " + produced.get() + " items of 1 KB");
      assertEquals(0, closed.get());
    }
    Poll.until("the producer to be closed after the client left", Duration.ofSeconds(5), () -> closed.get() == 1);
  }
}
