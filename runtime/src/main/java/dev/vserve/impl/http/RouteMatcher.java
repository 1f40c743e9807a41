package dev.vserve.impl.http;

import dev.vserve.BadRequestException;
import dev.vserve.HttpException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one HTTP route matcher of an ingress, whatever its language: Java's {@code @Get("/items/{id}")}
 * methods and Python's {@code @app.get("/items/{id}")} functions are both matched here, so the two
 * agree on every path (the conformance table in {@code conformance/routes.json} holds both to it).
 *
 * <p>Rules: empty segments are ignored (so a trailing slash matches); each segment is
 * percent-decoded as a path is ({@code +} stays a plus; malformed escapes are a 400); a literal
 * segment beats a variable at the first place two routes differ ({@code /items/latest} before
 * {@code /items/{id}}), otherwise routes keep their declared order; HEAD is answered by GET routes;
 * a path that matches only under other methods is a 405, no match at all a 404.
 *
 * @param <T> what a route leads to: a Java method, or the index of a Python function
 */
public final class RouteMatcher<T> {
  private static final Pattern VARIABLE = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]*}");

  /** One declared route; {@code template} is like {@code /items/{id}}. */
  public record Route<T>(String httpMethod, String template, T target) {}

  /** The route a request matched, with its path variables decoded. */
  public record Match<T>(T target, Map<String, String> pathParams) {}

  private record Compiled<T>(Route<T> route, String[] segments) {
    boolean isVariable(int i) {
      return segments[i].charAt(0) == '{';
    }
  }

  private final List<Compiled<T>> routes;

  private RouteMatcher(List<Compiled<T>> routes) {
    this.routes = routes;
  }

  /** Compiles the routes; a malformed template fails here, at deploy time, naming it. */
  public static <T> RouteMatcher<T> of(List<Route<T>> routes) {
    List<Compiled<T>> compiled = new ArrayList<>();
    for (Route<T> r : routes) compiled.add(new Compiled<>(r, compile(r.template())));
    compiled.sort(RouteMatcher::moreSpecificFirst);
    return new RouteMatcher<>(List.copyOf(compiled));
  }

  private static String[] compile(String template) {
    List<String> segments = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String s : template.split("/")) {
      if (s.isEmpty()) continue;
      if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
        if (!VARIABLE.matcher(s).matches()) {
          throw new IllegalArgumentException("route '" + template + "': a path variable is a whole segment {name}"
              + " (converters such as {name:path} are not supported), got '" + s + "'");
        }
        if (!names.add(s)) throw new IllegalArgumentException("route '" + template + "' names " + s + " twice");
      }
      segments.add(s);
    }
    return segments.toArray(String[]::new);
  }

  /** Stable sort: at the first segment where two routes differ in kind, the literal one goes first. */
  private static int moreSpecificFirst(Compiled<?> a, Compiled<?> b) {
    int n = Math.min(a.segments.length, b.segments.length);
    for (int i = 0; i < n; i++) {
      boolean va = a.isVariable(i);
      boolean vb = b.isVariable(i);
      if (va != vb) return va ? 1 : -1;
    }
    return 0;
  }

  /** The route for {@code method} and {@code routePath}; a 404 or 405 when there is none. */
  public Match<T> match(String method, String routePath) {
    Match<T> m = matchOrNull(method, routePath);
    if (m == null) throw new HttpException(404, "no route for " + method + " " + routePath);
    return m;
  }

  /** As {@link #match}, but null where that would be a 404 (a catch-all handler takes those). */
  public Match<T> matchOrNull(String method, String routePath) {
    if (routes.isEmpty()) return null;   // an ingress with only a catch-all (no path to split)
    String[] path = segments(routePath);
    String wanted = "HEAD".equals(method) ? "GET" : method;
    boolean pathMatched = false;
    for (Compiled<T> r : routes) {
      Map<String, String> vars = bind(r, path);
      if (vars == null) continue;
      pathMatched = true;
      if (r.route.httpMethod().equals(wanted)) return new Match<>(r.route.target(), vars);
    }
    if (pathMatched) throw new HttpException(405, "method " + method + " not allowed on " + routePath);
    return null;
  }

  private static Map<String, String> bind(Compiled<?> r, String[] path) {
    if (r.segments.length != path.length) return null;
    Map<String, String> vars = Map.of();
    for (int i = 0; i < path.length; i++) {
      String t = r.segments[i];
      if (r.isVariable(i)) {
        if (vars.isEmpty()) vars = new HashMap<>();
        vars.put(t.substring(1, t.length() - 1), path[i]);
      } else if (!t.equals(path[i])) {
        return null;
      }
    }
    return vars;
  }

  private static String[] segments(String routePath) {
    List<String> out = new ArrayList<>();
    for (String s : routePath.split("/")) if (!s.isEmpty()) out.add(decode(s));
    return out.toArray(String[]::new);
  }

  /** RFC 3986 percent-decoding of one path segment: unlike form decoding, {@code +} is a plus. */
  public static String decode(String segment) {
    if (segment.indexOf('%') < 0) return segment;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    int i = 0;
    while (i < segment.length()) {
      int pct = segment.indexOf('%', i);
      if (pct < 0) pct = segment.length();
      // the text between escapes as a whole, so characters outside the BMP keep both halves
      bytes.writeBytes(segment.substring(i, pct).getBytes(StandardCharsets.UTF_8));
      if (pct == segment.length()) break;
      int hi = pct + 2 < segment.length() ? Character.digit(segment.charAt(pct + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(segment.charAt(pct + 2), 16) : -1;
      if (lo < 0) throw new BadRequestException("malformed percent-encoding in path segment '" + segment + "'");
      bytes.write(hi * 16 + lo);
      i = pct + 3;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException("path segment '" + segment + "' is not UTF-8 once decoded");
    }
  }
}
