package dev.vserve.impl.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.Request;
import dev.vserve.Response;
import dev.vserve.ServeException;
import dev.vserve.impl.Json;
import dev.vserve.impl.call.Failures;
import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the shared table {@code conformance/routes.json} against one language's ingress: each row is
 * a request, and what the ingress answers (a response, or a failure and its status) must be the row's.
 */
public final class RouteConformance {
  /** One language's ingress: answers a request or throws, as a replica's code does. */
  @FunctionalInterface
  public interface Ingress {
    Object handle(Request request) throws Throwable;
  }

  private RouteConformance() {}

  /** One dynamic test per row, named by its case. */
  public static Stream<DynamicTest> tests(Ingress ingress) throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : table().get("cases")) {
      String name = row.get("method").asText() + " " + row.get("path").asText() + ": " + row.get("case").asText();
      tests.add(DynamicTest.dynamicTest(name, () -> check(row, ingress)));
    }
    return tests.stream();
  }

  private static JsonNode table() throws IOException {
    // tests run in their module's folder; the table sits at the repository's root
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path table = dir.resolve("conformance/routes.json");
      if (Files.exists(table)) return Json.MAPPER.readTree(table.toFile());
    }
    throw new IOException("conformance/routes.json not found above " + Path.of("").toAbsolutePath());
  }

  private static void check(JsonNode row, Ingress ingress) {
    int status;
    String body;
    try {
      Response r = Json.convert(ingress.handle(request(row)), Response.class);
      status = r.status();
      body = new String(r.body(), StandardCharsets.UTF_8);
    } catch (Throwable t) {
      ServeException e = Failures.toServeException(t);
      status = e.status();
      body = e.errorType() + ": " + e.getMessage();
    }
    assertEquals(row.get("status").asInt(), status, "status; answered " + body);
    if (row.has("json")) assertEquals(row.get("json"), Json.read(body.getBytes(StandardCharsets.UTF_8), JsonNode.class, "body"));
    if (row.has("mentions")) {
      assertTrue(body.contains(row.get("mentions").asText()), "the error names " + row.get("mentions") + ": " + body);
    }
  }

  static Request request(JsonNode row) {
    String target = row.get("path").asText();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = null;
    if (row.has("body")) body = Json.encode(row.get("body"));
    if (row.has("rawBody")) body = row.get("rawBody").asText().getBytes(StandardCharsets.UTF_8);
    if (body != null) headers.put("content-type", row.has("contentType") ? row.get("contentType").asText() : "application/json");
    return new Request("conformance", row.get("method").asText(), "/app" + path, path, query, headers, body);
  }
}
