package dev.vserve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.impl.Json;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as the ingress deployment sees it (Starlette's {@code Request} in Ray Serve).
 * {@code path} is the full path; {@link #routePath()} is the part below the application's route prefix.
 */
public record Request(
    String requestId,
    String method,
    String path,
    String routePath,
    Map<String, List<String>> queryParams,
    Map<String, String> headers,
    byte[] body) {

  public Request {
    queryParams = queryParams == null ? Map.of() : queryParams;
    // case-insensitive lookups, as HTTP header names are (the proxy hands over such a map already)
    if (!(headers instanceof TreeMap<String, String> t && t.comparator() == String.CASE_INSENSITIVE_ORDER)) {
      TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      if (headers != null) h.putAll(headers);
      headers = h;
    }
    body = body == null ? new byte[0] : body;
  }

  /** First value of a query parameter, or null. */
  public String queryParam(String name) {
    List<String> v = queryParams.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body parsed as JSON; malformed JSON is a {@link BadRequestException} (HTTP 400). */
  public JsonNode json() {
    if (body.length == 0) throw new BadRequestException("request body is empty, expected JSON");
    try {
      return Json.MAPPER.readTree(body);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw Json.tooDeep("request body");
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON body: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new BadRequestException("unreadable JSON body: " + e.getMessage());
    }
  }

  /** The body bound to {@code type}; malformed JSON or wrong shapes are a 400 naming the problem. */
  public <T> T json(Class<T> type) {
    return Json.read(body, type, "request body");
  }
}
