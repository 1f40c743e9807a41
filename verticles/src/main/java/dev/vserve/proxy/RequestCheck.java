package dev.vserve.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * What is checked of a request line before routing: a path that starts with {@code /}, well-formed
 * percent-escapes in path and query, a Host header on HTTP/1.1. Vert.x Web would answer these with a
 * bare "Bad Request" (or, for a bad query escape, not at all, after a long stack trace); here each
 * gets vserve's JSON 400 naming the problem.
 */
final class RequestCheck {
  private RequestCheck() {}

  /** Null when the request line is fine; else what is wrong with it. */
  static String problem(HttpServerRequest req) {
    String uri = req.uri();
    if (uri == null || uri.isEmpty() || uri.charAt(0) != '/') {
      return "the request target must be a path starting with '/', got '" + shorten(uri) + "'";
    }
    if (req.version() == HttpVersion.HTTP_1_1 && req.getHeader("host") == null) {
      return "HTTP/1.1 requests need a Host header";
    }
    int q = uri.indexOf('?');
    String bad = badEscape(q < 0 ? uri : uri.substring(0, q));
    if (bad != null) return "malformed percent-escape '" + bad + "' in the path";
    if (q >= 0) {
      bad = badEscape(uri.substring(q + 1));
      if (bad != null) return "malformed percent-escape '" + bad + "' in the query string";
    }
    return null;
  }

  /** The first escape that is not {@code %} and two hex digits, or null. */
  static String badEscape(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
      if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
        return s.substring(i, Math.min(s.length(), i + 3));
      }
      i += 2;
    }
    return null;
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  private static String shorten(String s) {
    return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
