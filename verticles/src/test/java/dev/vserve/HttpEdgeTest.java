package dev.vserve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.impl.Json;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests that are malformed below the level of JSON (escapes, request lines, nesting) or that
 * arrive too slowly: each gets a clear answer or a closed connection, and nothing hangs.
 */
class HttpEdgeTest {
  static ServeNode node;
  static Http http;

  @Deployment
  public static class Echo {
    @Get("/hello")
    public String hello(String name) {
      return "Hello " + name + "!";
    }

    @Post("/echo")
    public Object echo(@Body Object body) {
      return body;
    }
  }

  @BeforeAll
  static void start() {
    node = Nodes.start(new ServeOptions().setHeaderTimeoutMs(1_500).setBodyTimeoutMs(1_500));
    Nodes.deploy(node, Serve.deployment(Echo.class).bind(), "echo", "/");
    http = new Http(node.httpPort());
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  /** Sends raw bytes and reads until the server closes or {@code timeoutMs} passes. */
  static String raw(String request, int timeoutMs) throws IOException {
    try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
      s.setSoTimeout(timeoutMs);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return readAll(s.getInputStream());
    }
  }

  static String readAll(InputStream in) throws IOException {
    StringBuilder out = new StringBuilder();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        if (out.indexOf("\r\n\r\n") > 0 && complete(out)) break;
      }
    } catch (java.net.SocketTimeoutException e) {
      return out + "[timeout]";
    }
    return out.toString();
  }

  private static boolean complete(StringBuilder response) {
    var m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(response);
    if (!m.find()) return false;
    return response.length() - response.indexOf("\r\n\r\n") - 4 >= Integer.parseInt(m.group(1));
  }

  private static JsonNode body(String response) throws IOException {
    return Json.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void malformedPercentEscapesAre400NamingTheEscape() throws Exception {
    for (String target : List.of("/hello?name=%", "/hello?name=%zz", "/%%%", "/a%zz", "/hello?name=%4")) {
      String r = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", 10_000);
      assertTrue(r.startsWith("HTTP/1.1 400"), target + " -> " + r);
      JsonNode b = body(r);
      assertEquals("BadRequest", b.get("error").asText());
      assertTrue(b.get("message").asText().contains("percent-escape"), b.toString());
    }
    assertEquals("\"Hello 50%!\"", http.get("/hello?name=50%25").body());
  }

  @Test
  void aMissingHostOrABadTargetSaysWhatIsWrong() throws Exception {
    String noHost = raw("GET /hello?name=x HTTP/1.1\r\n\r\n", 10_000);
    assertTrue(noHost.startsWith("HTTP/1.1 400"), noHost);
    assertTrue(body(noHost).get("message").asText().contains("Host header"), noHost);
    String version = raw("GET /hello?name=x HTTP/7.0\r\nHost: x\r\n\r\n", 10_000);
    assertTrue(version.contains(" 501 "), version);
  }

  @Test
  void jsonNestedBeyondTheLimitIs400BeforeUserCode() {
    int depth = Json.MAX_DEPTH + 372;
    HttpResponse r = new HttpResponse(http.post("/echo", "[".repeat(depth) + "]".repeat(depth)));
    assertEquals(400, r.status, r.body);
    assertTrue(r.body.contains("nests deeper than " + Json.MAX_DEPTH), r.body);
    String ok = "[".repeat(50) + "]".repeat(50);
    assertEquals(ok, http.post("/echo", ok).body());
  }

  private record HttpResponse(int status, String body) {
    HttpResponse(java.net.http.HttpResponse<String> r) {
      this(r.statusCode(), r.body());
    }
  }

  /** Each chunk of a chunked body reaches the proxy on its own: they are gathered whole, in order. */
  @Test
  void aBodySentInChunksArrivesWhole() throws Exception {
    String r = raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\n{\"a\":\r\n8\r\n[1,2,3],\r\na\r\n\"b\":\"xyz\"}\r\n0\r\n\r\n", 30_000);
    assertTrue(r.startsWith("HTTP/1.1 200"), r);
    assertEquals("{\"a\":[1,2,3],\"b\":\"xyz\"}", body(r).toString());
  }

  @Test
  void aBodyThatArrivesTooSlowlyIs408AndTheConnectionCloses() throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[1,"
          .getBytes(StandardCharsets.US_ASCII));
      String r = readAll(s.getInputStream());
      assertTrue(r.startsWith("HTTP/1.1 408"), r);
      assertEquals("RequestTimeout", body(r).get("error").asText());
      assertEquals(-1, s.getInputStream().read(), "closed after the 408");
    }
  }

  /** Slowloris: a client that connects and trickles its first request head is cut off at the header timeout. */
  @Test
  void aNewConnectionThatNeverCompletesItsFirstHeadIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
      s.setSoTimeout(30_000);
      long t0 = System.nanoTime();
      java.io.OutputStream out = s.getOutputStream();
      byte[] head = "GET /hello?name=slow HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
      // one byte every 200 ms: never idle, never done
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          for (byte b : head) {
            out.write(b);
            out.flush();
            Thread.sleep(200);
          }
        } catch (IOException | InterruptedException closed) {
          // the server closed the connection
        }
      });
      assertEquals(-1, s.getInputStream().read());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      writer.interrupt();
      assertTrue(ms >= 1_000 && ms < 20_000, "closed after " + ms + " ms (header timeout 1500 ms)");
    }
  }

  /** The limit also runs from each response on a kept-alive connection. */
  @Test
  void aKeptAliveConnectionThatNeverCompletesItsNextHeadIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write("GET /hello?name=a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String first = readAll(s.getInputStream());
      assertTrue(first.startsWith("HTTP/1.1 200"), first);
      s.getOutputStream().write("GET /hello?name=slow HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
      long t0 = System.nanoTime();
      assertEquals(-1, s.getInputStream().read());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 1_000, "closed after " + ms + " ms, before the head timeout");
    }
    assertEquals("\"Hello fast!\"", http.get("/hello?name=fast").body());
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheHeaderTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write("GET /hello?name=a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String first = readAll(s.getInputStream());
      assertTrue(first.startsWith("HTTP/1.1 200"), first);
      assertEquals(-1, s.getInputStream().read(), "closed once idle for longer than the header timeout");
    }
  }
}
