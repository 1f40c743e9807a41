package dev.vserve.impl.replica;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.BadRequestException;
import dev.vserve.Batch;
import dev.vserve.Body;
import dev.vserve.Delete;
import dev.vserve.Get;
import dev.vserve.Param;
import dev.vserve.Patch;
import dev.vserve.Post;
import dev.vserve.Put;
import dev.vserve.Request;
import dev.vserve.Response;
import dev.vserve.StreamingResponse;
import dev.vserve.impl.Json;
import dev.vserve.impl.http.ParameterErrors;
import dev.vserve.impl.http.RouteMatcher;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP face of an ingress class, FastAPI-style: methods annotated {@code @Get("/hello")} etc.
 * are matched by method and path, their parameters bound from path segments, query parameters and
 * the JSON body; without annotations a method {@code call(Request)} (Ray Serve's {@code __call__})
 * takes every request.
 */
public final class HttpIngress {
  private static final Map<String, String> JSON = Map.of("content-type", "application/json");
  private static final Set<Class<?>> SIMPLE = Set.of(String.class, Integer.class, int.class, Long.class, long.class,
      Double.class, double.class, Float.class, float.class, Boolean.class, boolean.class, Short.class, short.class,
      BigDecimal.class, BigInteger.class);

  private final RouteMatcher<Method> routes;
  private final Method fallback;

  private HttpIngress(RouteMatcher<Method> routes, Method fallback) {
    this.routes = routes;
    this.fallback = fallback;
  }

  static HttpIngress of(Class<?> type) {
    List<RouteMatcher.Route<Method>> routes = new ArrayList<>();
    Method fallback = null;
    for (Method m : type.getMethods()) {
      String[] route = routeOf(m);
      if (route != null) {
        m.setAccessible(true);
        routes.add(new RouteMatcher.Route<>(route[0], route[1], m));
      } else if (m.getName().equals("call") && (m.getParameterCount() == 0
          || (m.getParameterCount() == 1 && m.getParameterTypes()[0] == Request.class))) {
        m.setAccessible(true);
        fallback = m;
      }
    }
    // declared order is getMethods() order, which Java leaves unspecified: the matcher's order decides
    return new HttpIngress(RouteMatcher.of(routes), fallback);
  }

  private static String[] routeOf(Method m) {
    if (m.getAnnotation(Get.class) instanceof Get a) return new String[] {"GET", a.value()};
    if (m.getAnnotation(Post.class) instanceof Post a) return new String[] {"POST", a.value()};
    if (m.getAnnotation(Put.class) instanceof Put a) return new String[] {"PUT", a.value()};
    if (m.getAnnotation(Delete.class) instanceof Delete a) return new String[] {"DELETE", a.value()};
    if (m.getAnnotation(Patch.class) instanceof Patch a) return new String[] {"PATCH", a.value()};
    return null;
  }

  /** How the ingress calls a bound method: the invoker, which knows about batching. */
  @FunctionalInterface
  interface Caller {
    Object call(Method m, Object[] args) throws Throwable;
  }

  /** A {@link Response}, or a {@link StreamingResponse} for handlers that return items one by one. */
  Object handle(Caller caller, Request req) throws Throwable {
    Bound b = bind(req);
    return encode(caller.call(b.method(), b.args()), b.route());
  }

  /** The call a request makes: the method, its arguments, and whether a route (not {@code call}) takes it. */
  record Bound(Method method, Object[] args, boolean route) {}

  /** Matches and binds a request; a missing route, method or parameter fails as HTTP (404, 405, 422). */
  Bound bind(Request req) {
    RouteMatcher.Match<Method> m = fallback == null ? routes.match(req.method(), req.routePath())
        : routes.matchOrNull(req.method(), req.routePath());
    if (m != null) return new Bound(m.target(), bind(m.target(), req, m.pathParams()), true);
    return new Bound(fallback, fallback.getParameterCount() == 0 ? new Object[0] : new Object[] {req}, false);
  }

  /** The method a request reaches, without binding it (null when none does: the full path then says why). */
  Method target(Request req) {
    RouteMatcher.Match<Method> m = routes.matchOrNull(req.method(), req.routePath());
    return m != null ? m.target() : fallback;
  }

  /**
   * Route methods answer JSON for every value, as FastAPI does; {@code call(Request)} answers text
   * for a String and bytes for a byte[], as Ray Serve does without FastAPI.
   */
  public static Object encode(Object out, boolean route) {
    if (out instanceof Response r) return r;
    if (dev.vserve.impl.stream.StreamResults.isStream(out)) return dev.vserve.impl.stream.StreamResults.of(out, "text/plain; charset=utf-8");
    if (out instanceof byte[] b) return Response.bytes(b, "application/octet-stream");
    if (!route && out instanceof String s) return Response.text(s);
    return new Response(200, JSON, Json.encode(out));
  }

  private static Object[] bind(Method m, Request req, Map<String, String> vars) {
    Parameter[] params = m.getParameters();
    Object[] args = new Object[params.length];
    JsonNode[] body = new JsonNode[1];
    for (int i = 0; i < params.length; i++) {
      Parameter p = params[i];
      // a batched route binds each request to one item of the method's List<T>
      boolean batched = m.isAnnotationPresent(Batch.class);
      Type type = batched ? BatchSignature.itemType(m) : p.getParameterizedType();
      Class<?> raw = batched ? Json.MAPPER.getTypeFactory().constructType(type).getRawClass() : p.getType();
      Param named = p.getAnnotation(Param.class);
      if (raw == Request.class) {
        args[i] = req;
      } else if (p.isAnnotationPresent(Body.class) || (named == null && !isSimple(raw))) {
        args[i] = Json.read(req.body(), type, "request body");
      } else {
        String name = named != null ? named.value() : p.getName();
        args[i] = bindSimple(name, raw, named, req, vars, body);
      }
    }
    return args;
  }

  private static Object bindSimple(String name, Class<?> type, Param named, Request req, Map<String, String> vars,
                                   JsonNode[] body) {
    String raw = vars.get(name);
    if (raw == null) raw = req.queryParam(name);
    if (raw == null && req.body().length > 0 && isJson(req)) {
      if (body[0] == null) body[0] = req.json();
      JsonNode field = body[0].get(name);
      if (field != null) return bindField(name, type, field);
    }
    if (raw == null && named != null && !Param.REQUIRED.equals(named.defaultValue())) raw = named.defaultValue();
    if (raw == null) throw ParameterErrors.missing(name);
    if (type == String.class) return raw;
    try {
      return Json.MAPPER.convertValue(raw, type);
    } catch (IllegalArgumentException e) {
      throw ParameterErrors.invalid(name, typeName(type), "'" + raw + "'");
    }
  }

  private static boolean isJson(Request req) {
    String ct = req.header("content-type");
    return ct == null || ct.startsWith("application/json");
  }

  private static boolean isSimple(Class<?> c) {
    return SIMPLE.contains(c) || c.isEnum();
  }

  /** A JSON body field for a simple parameter: the JSON type must fit (a string "3" is not an int). */
  private static Object bindField(String name, Class<?> type, JsonNode field) {
    String expected = typeName(type);
    boolean fits = switch (expected) {
      case "str" -> field.isTextual();
      case "bool" -> field.isBoolean();
      case "int" -> field.isNumber() && field.canConvertToExactIntegral();
      case "float" -> field.isNumber();
      default -> field.isTextual();  // an enum, by name
    };
    if (!fits) throw ParameterErrors.invalid(name, expected, field.toString());
    try {
      return Json.MAPPER.treeToValue(field, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw ParameterErrors.invalid(name, expected, field.toString());
    }
  }

  /** Type names as Python spells them, so both languages word a parameter error alike. */
  private static String typeName(Class<?> type) {
    if (type == String.class) return "str";
    if (type == Boolean.class || type == boolean.class) return "bool";
    if (type == Double.class || type == double.class || type == Float.class || type == float.class
        || type == BigDecimal.class) return "float";
    if (type.isEnum()) return type.getSimpleName();
    return "int";
  }
}
