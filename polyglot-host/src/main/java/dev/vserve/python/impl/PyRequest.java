package dev.vserve.python.impl;

import dev.vserve.BadRequestException;
import dev.vserve.Request;
import dev.vserve.impl.Json;
import org.graalvm.polyglot.HostAccess;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The HTTP request as Python's {@code Request} reads it. The JSON body is parsed in Java, once. */
public final class PyRequest {
  private final Request request;
  private final Map<String, String> pathParams;
  private Object json;
  private RuntimeException jsonError;

  PyRequest(Request request, Map<String, String> pathParams) {
    this.request = request;
    this.pathParams = pathParams;
  }

  @HostAccess.Export public String method() { return request.method(); }
  @HostAccess.Export public String path() { return request.path(); }
  @HostAccess.Export public String routePath() { return request.routePath(); }

  @HostAccess.Export
  public String url() {
    String host = request.header("host");
    StringBuilder q = new StringBuilder();
    request.queryParams().forEach((k, vs) -> vs.forEach(v -> q.append(q.isEmpty() ? '?' : '&').append(k).append('=').append(v)));
    return "http://" + (host == null ? "localhost" : host) + request.path() + q;
  }

  @HostAccess.Export
  public Map<String, String> query() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : request.queryParams().entrySet()) {
      if (!e.getValue().isEmpty()) m.put(e.getKey(), e.getValue().get(0));
    }
    return m;
  }

  @HostAccess.Export public Map<String, String> headers() { return request.headers(); }
  /** The path variables of the route the host's matcher chose, percent-decoded. */
  @HostAccess.Export public Map<String, String> pathParams() { return pathParams; }
  @HostAccess.Export public boolean hasBody() { return request.body().length > 0; }
  /** The body bytes as a Latin-1 string: one bulk copy, which Python turns back into exactly these bytes. */
  @HostAccess.Export public String bodyLatin1() { return new String(request.body(), java.nio.charset.StandardCharsets.ISO_8859_1); }
  @HostAccess.Export public String text() { return request.text(); }

  /**
   * Parses a JSON-looking body on the caller's thread, before the request reaches the replica's one
   * Python thread, which then only picks up the result.
   */
  void prefetch() {
    byte[] b = request.body();
    if (b.length > 0 && (b[0] == '{' || b[0] == '[')) parse();
  }

  private void parse() {
    if (json != null || jsonError != null) return;
    if (request.body().length == 0) {
      jsonError = new BadRequestException("request body is empty, expected JSON");
      return;
    }
    try {
      json = Json.MAPPER.readValue(request.body(), Object.class);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      jsonError = Json.tooDeep("request body");
    } catch (IOException e) {
      jsonError = new BadRequestException("malformed JSON body: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** The body as maps and lists (Python sees them as dict and list); malformed JSON is a 400. */
  @HostAccess.Export
  public Object json() {
    parse();
    if (jsonError != null) throw jsonError;
    return json;
  }
}
