package dev.vserve.examples.python;

import dev.vserve.impl.Json;
import dev.vserve.testing.Http;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated malformed requests (bodies, escapes, headers, methods, request lines) against a Java and
 * a Python application in one launcher. Each must be answered in time, never with a 5xx other than
 * a documented one (a user-code error naming where it was raised, or 501 for an HTTP version vserve
 * does not speak), each costs the log at most three lines (its access line included) and no stack trace, and the applications
 * answer correctly afterwards. {@code -Dfuzz.seed=N} replays another sequence.
 */
class FuzzTest extends OnExamplesLauncher {
  static final long SEED = Long.getLong("fuzz.seed", 20261201L);
  static final int REQUESTS = Integer.getInteger("fuzz.requests", 400);

  private static final String[] PREFIXES = {"/jm", "/jh/hello", "/composition", "/fastapi/hello", "/nowhere", ""};
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "G\u00e9T"};
  private static final String[] ESCAPES = {"%", "%z", "%zz", "%%%", "%4", "%00", "%2e%2e/", "/../..", "//", "%c3%28", "%ff", "+",
      "%20", "?", "#frag", ";x=1", "\u00e9", "*"};
  private static final String[] BODIES = {"", "{", "}", "[", "{\"val\": ", "{\"val\": 1", "{\"val\": \"x\"}", "{\"val\": null}",
      "{\"val\": [1, 2]}", "{\"val\": 1e999}", "{\"val\": -1e-999}", "{\"val\": NaN}", "null", "[]", "\"str\"", "42", "true",
      "{\"val\": 1}{\"val\": 2}", "{\"val\": 1,}", "{'val': 1}", "{\"val\": 100.0}", "{\"other\": 1}", "\u0000\u0001\u0002",
      "{\"val\": \"\\ud800\"}", "{\"\": {\"\": {\"\": 1}}}"};

  @Test
  void malformedRequestsAreAnsweredClearlyAndTheAppsServeOn() throws Exception {
    Random rnd = new Random(SEED);
    assertEquals(101.5, Http.json(http.post("/jm", "{\"val\": 100.0}")).get("result").asDouble());
    int logBefore = launcher.child.lines.size();
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) requests.add(generate(rnd));
    // sixteen clients at a time: some requests wait out the body timeout on purpose (idle, not busy)
    List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
    try (var clients = java.util.concurrent.Executors.newFixedThreadPool(16)) {
      for (byte[] r : requests) {
        answers.add(clients.submit(() -> {
          try {
            return send(r, 20_000);
          } catch (IOException e) {
            return "IOException: " + e.getMessage();
          }
        }));
      }
    }
    List<String> problems = new ArrayList<>();
    int[] statuses = new int[600];
    for (int i = 0; i < REQUESTS; i++) {
      byte[] request = requests.get(i);
      String response = answers.get(i).get();
      Matcher status = Pattern.compile("^\\S+ (\\d{3}) ").matcher(response);
      if (!status.find()) {
        problems.add("#" + i + " " + printable(request) + " -> no answer: " + printable(response.getBytes(StandardCharsets.ISO_8859_1)));
        continue;
      }
      int code = Integer.parseInt(status.group(1));
      statuses[code]++;
      if (code >= 500 && !documented5xx(code, request, response)) {
        problems.add("#" + i + " " + printable(request) + " -> " + printable(response.getBytes(StandardCharsets.ISO_8859_1)));
      }
    }
    // a copy: the launcher keeps logging (its access lines) while this reads
    List<String> all = List.copyOf(launcher.child.lines);
    List<String> log = all.subList(logBefore, all.size());
    StringBuilder summary = new StringBuilder();
    for (int c = 100; c < 600; c++) if (statuses[c] > 0) summary.append(c).append(" x").append(statuses[c]).append("  ");
    System.out.printf("fuzz (seed %d): %d requests, statuses: %s; %d log lines%n", SEED, REQUESTS, summary, log.size());
    assertTrue(problems.isEmpty(), problems.size() + " bad answers (seed " + SEED + "):\n" + String.join("\n", problems));
    assertTrue(log.size() <= 3 * REQUESTS, log.size() + " log lines for " + REQUESTS + " requests");
    for (String line : log) {
      assertTrue(!line.startsWith("\tat ") && !line.startsWith("Caused by"), "a stack trace in the log: " + String.join("\n", log));
    }
    // and everything still answers correctly
    assertEquals(101.5, Http.json(http.post("/jm", "{\"val\": 100.0}")).get("result").asDouble());
    assertEquals(101.5, Http.json(http.post("/composition", "{\"val\": 100.0}")).get("result").asDouble());
    assertEquals("\"Hello Ada!\"", http.get("/jh/hello?name=Ada").body());
    assertEquals("\"Hello Ada!\"", http.get("/fastapi/hello?name=Ada").body());
  }

  /** A user-code failure names the user's file and line; 501 is vserve's answer to an HTTP version it does not speak. */
  private static boolean documented5xx(int code, byte[] request, String response) {
    if (code == 501) return true;
    if (code != 500) return false;
    // a HEAD answer carries no body to say where: the same handler's GET/POST answers are checked
    if (new String(request, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ")) return response.contains("x-request-id");
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    try {
      String message = Json.MAPPER.readTree(body).get("message").asText();
      return message.contains("composition.py:") || message.contains("fastapi_hello.py:");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] generate(Random rnd) {
    String method = pick(rnd, METHODS);
    StringBuilder target = new StringBuilder(pick(rnd, PREFIXES));
    if (rnd.nextInt(3) == 0) target.append(pick(rnd, ESCAPES));
    if (rnd.nextInt(2) == 0) target.append("?name=").append(rnd.nextInt(3) == 0 ? pick(rnd, ESCAPES) : "Ada");
    if (rnd.nextInt(25) == 0) target.append("x".repeat(5000 + rnd.nextInt(5000)));
    if (target.isEmpty() || rnd.nextInt(30) == 0) target.insert(0, rnd.nextBoolean() ? "" : "http://x");
    String version = switch (rnd.nextInt(20)) {
      case 0 -> "HTTP/2.0";
      case 1 -> "HTTP/1.0";
      case 2 -> "HTTX/1.1";
      case 3 -> "";
      default -> "HTTP/1.1";
    };
    String body = rnd.nextInt(15) == 0 ? deep(rnd) : pick(rnd, BODIES);
    byte[] bodyBytes = rnd.nextInt(20) == 0 ? new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff} : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(version.isEmpty() ? "" : " " + version).append("\r\n");
    if (rnd.nextInt(15) != 0) head.append("Host: 127.0.0.1\r\n");
    if (rnd.nextInt(3) == 0) head.append("Content-Type: ").append(rnd.nextBoolean() ? "application/json" : "application/x-www-form-urlencoded").append("\r\n");
    switch (rnd.nextInt(12)) {
      case 0 -> head.append("Content-Length: -1\r\n");
      case 1 -> head.append("Content-Length: abc\r\n");
      case 2 -> head.append("Content-Length: ").append(bodyBytes.length).append("\r\nContent-Length: ").append(bodyBytes.length + 1).append("\r\n");
      case 3 -> head.append("Content-Length: ").append(bodyBytes.length + 10).append("\r\n");   // a body that never completes
      case 4 -> head.append("Transfer-Encoding: chunked\r\n");
      case 5 -> head.append("Content-Length: 99999999999999999999\r\n");
      default -> head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
    }
    if (rnd.nextInt(10) == 0) head.append("X-Broken header without colon\r\n");
    if (rnd.nextInt(25) == 0) head.append("X-Big: ").append("y".repeat(20_000)).append("\r\n");
    if (rnd.nextInt(10) == 0) head.append("x-request-id: ").append("r".repeat(rnd.nextInt(300))).append("\r\n");
    if (rnd.nextInt(10) == 0) head.append("serve_multiplexed_model_id: ").append(pick(rnd, ESCAPES)).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(bodyBytes);
    return out.toByteArray();
  }

  private static String deep(Random rnd) {
    int depth = 100 + rnd.nextInt(600);
    return "{\"val\": " + "[".repeat(depth) + "1" + "]".repeat(depth) + "}";
  }

  private static String pick(Random rnd, String[] options) {
    return options[rnd.nextInt(options.length)];
  }

  /** Sends one request on its own connection and reads until the server closes it (or the time is up). */
  private static String send(byte[] request, int timeoutMs) throws IOException {
    try (Socket s = new Socket("127.0.0.1", launcher.port)) {
      s.setSoTimeout(timeoutMs);
      try {
        // no half-close: a server may take the end of input as the client leaving
        s.getOutputStream().write(request);
      } catch (IOException e) {
        // the server answered and closed before it read everything (a 413, a bad request line): read that
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) got.write(buf, 0, n);
      } catch (SocketTimeoutException e) {
        throw new IOException("no end of the answer within " + timeoutMs + " ms, got: " + got.toString(StandardCharsets.ISO_8859_1));
      } catch (java.net.SocketException reset) {
        // a reset after the answer was written still leaves the answer
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String printable(byte[] b) {
    String s = new String(b, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
  }
}
