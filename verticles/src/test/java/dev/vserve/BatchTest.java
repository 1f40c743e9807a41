package dev.vserve;

import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** @Batch semantics on a trivial deployment: flush on size and on timeout, order, errors, wrong length. */
class BatchTest {
  static final List<List<Object>> batches = new CopyOnWriteArrayList<>();
  static final List<String> threads = new CopyOnWriteArrayList<>();

  @Deployment(maxOngoingRequests = 64)
  public static class Doubler {
    /** Size flushes are what these tests wait for: the timeout is far longer than any test. */
    @Batch(maxBatchSize = 4, batchWaitTimeoutMs = 30_000)
    public List<Integer> twice(List<Integer> xs) {
      batches.add(new ArrayList<>(xs));
      threads.add(Thread.currentThread().toString());
      if (xs.contains(-1)) throw new IllegalArgumentException("negative input in batch " + xs);
      if (xs.contains(999)) return xs.subList(1, xs.size());
      return xs.stream().map(x -> x * 2).toList();
    }

    @Batch(maxBatchSize = 100, batchWaitTimeoutMs = 200)
    public List<String> slowToFill(List<String> xs) {
      batches.add(new ArrayList<>(xs));
      return xs.stream().map(String::toUpperCase).toList();
    }

    /** Batches measured in words: at most 5 words per batch. */
    @Batch(maxBatchSize = 5, batchWaitTimeoutMs = 30_000, batchSizeFn = Words.class)
    public List<Integer> countWords(List<String> texts) {
      batches.add(new ArrayList<>(texts));
      return texts.stream().map(t -> t.split(" ").length).toList();
    }

    public record Echo(String text, int times) {}

    /** A batched HTTP route: each request body is one item. */
    @Post("/echo")
    @Batch(maxBatchSize = 3, batchWaitTimeoutMs = 30_000)
    public List<String> echo(List<Echo> requests) {
      batches.add(new ArrayList<>(requests));
      return requests.stream().map(r -> r.text().repeat(r.times())).toList();
    }
  }

  public static class Words implements Batch.SizeFunction {
    @Override
    public int size(List<?> items) {
      return items.stream().mapToInt(t -> ((String) t).split(" ").length).sum();
    }
  }

  static ServeNode node;
  static DeploymentHandle handle;

  @BeforeAll
  static void start() {
    node = Nodes.start();
    handle = Nodes.deploy(node, Application.bind(Doubler.class), "batch", "/batch");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  @BeforeEach
  void clear() {
    batches.clear();
    threads.clear();
  }

  private List<DeploymentResponse<Object>> calls(String method, Object... items) {
    List<DeploymentResponse<Object>> rs = new ArrayList<>();
    for (Object i : items) rs.add(handle.method(method).remote(i));
    return rs;
  }

  @Test
  void fullBatchFlushesAtOnceInOrderOffTheEventLoop() {
    List<DeploymentResponse<Object>> rs = calls("twice", 1, 2, 3, 4);
    List<Object> out = rs.stream().map(DeploymentResponse::await).toList();  // would take 30 s without a size flush
    assertEquals(List.of(2, 4, 6, 8), out);
    assertEquals(1, batches.size());
    assertEquals(4, batches.get(0).size());
    assertTrue(threads.get(0).contains("vserve-batch-run") && !threads.get(0).contains("eventloop"), threads.get(0));
  }

  @Test
  void partialBatchFlushesAfterTheTimeout() {
    long t0 = System.nanoTime();
    assertEquals("A", handle.method("slowToFill").remote("a").await());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 150, "flushed after " + ms + " ms, before the 200 ms wait");
    assertEquals(List.of(List.of("a")), batches);
  }

  @Test
  void anExceptionFailsThatBatchOnlyAndTheReplicaServesOn() {
    List<DeploymentResponse<Object>> bad = calls("twice", 1, -1, 3, 4);
    for (DeploymentResponse<Object> r : bad) {
      DeploymentException e = assertThrows(DeploymentException.class, r::await);
      assertEquals("IllegalArgumentException", e.errorType());
    }
    assertEquals(List.of(10, 12, 14, 16), calls("twice", 5, 6, 7, 8).stream().map(DeploymentResponse::await).toList());
  }

  @Test
  void aResultListOfTheWrongLengthFailsEveryItemClearly() {
    for (DeploymentResponse<Object> r : calls("twice", 999, 1, 2, 3)) {
      DeploymentException e = assertThrows(DeploymentException.class, r::await);
      assertTrue(e.getMessage().contains("returned 3 results for 4 inputs"), e.getMessage());
    }
    assertEquals(List.of(2, 4, 6, 8), calls("twice", 1, 2, 3, 4).stream().map(DeploymentResponse::await).toList());
  }

  @Test
  void batchSizeFunctionMeasuresInWords() {
    // concurrent calls reach the queue in any order; pairs of exactly 5 words batch the same either way
    List<DeploymentResponse<Object>> first = calls("countWords", "a b c", "d e");
    assertEquals(List.of(3, 2), first.stream().map(DeploymentResponse::await).toList());
    List<DeploymentResponse<Object>> second = calls("countWords", "f g", "h i j");
    assertEquals(List.of(2, 3), second.stream().map(DeploymentResponse::await).toList());
    assertEquals(2, batches.size(), "two batches of 5 words, not one of 4 calls: " + batches);
    assertEquals(java.util.Set.of("a b c", "d e"), new java.util.HashSet<>(batches.get(0)));
    assertEquals(java.util.Set.of("f g", "h i j"), new java.util.HashSet<>(batches.get(1)));
    // a call larger than maxBatchSize runs at once, alone (it would take 30 s to time out)
    assertEquals(6, handle.method("countWords").remote("one two three four five six").await());
    assertEquals(List.of("one two three four five six"), batches.get(2));
  }

  @Test
  void httpRequestsAreBatchedItems() throws Exception {
    Http http = new Http(node.httpPort());
    List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
    for (String body : Arrays.asList("{\"text\":\"a\",\"times\":1}", "{\"text\":\"b\",\"times\":2}", "{\"text\":\"c\",\"times\":3}")) {
      rs.add(CompletableFuture.supplyAsync(() -> http.post("/batch/echo", body)));
    }
    List<String> bodies = new ArrayList<>();
    for (var f : rs) {
      HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      bodies.add(r.body());
    }
    assertEquals(List.of("\"a\"", "\"bb\"", "\"ccc\""), bodies);
    assertEquals(1, batches.size(), "three requests, one batch");
    HttpResponse<String> bad = http.post("/batch/echo", "{\"text\": 5, \"times\": \"x\"}");
    assertEquals(400, bad.statusCode(), bad.body());
  }
}
