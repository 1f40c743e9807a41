package dev.vserve;

import dev.vserve.impl.Json;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An explicit HTTP response: status, headers and body bytes. Returned from an ingress method it is
 * written as is; any other return value is encoded as JSON (or text, see the README).
 */
public record Response(int status, Map<String, String> headers, byte[] body) {

  public Response {
    if (status < 100 || status > 599) throw new IllegalArgumentException("HTTP status must be 100..599, got " + status);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  public static Response json(Object value) {
    return new Response(200, Map.of("content-type", "application/json"), Json.encode(value));
  }

  public static Response text(String text) {
    return new Response(200, Map.of("content-type", "text/plain; charset=utf-8"),
        text.getBytes(StandardCharsets.UTF_8));
  }

  public static Response bytes(byte[] body, String contentType) {
    return new Response(200, Map.of("content-type", contentType), body);
  }

  public Response withStatus(int newStatus) {
    return new Response(newStatus, headers, body);
  }

  public Response withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Response(status, h, body);
  }
}
