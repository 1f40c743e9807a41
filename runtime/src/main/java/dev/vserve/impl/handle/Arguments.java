package dev.vserve.impl.handle;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Composition: arguments that are futures (upstream responses) are awaited, without blocking. A
 * future among the arguments is passed by value, as Ray resolves a response passed as an argument; one
 * nested in a list or map is passed as a {@link #REF} marker around its value, and the argument that
 * holds it is wrapped as {@code {"@vserve.refs": argument}} (so a callee looks for markers only in
 * arguments that have some): a Python callee turns the markers into something to {@code await}, as Ray
 * passes nested responses as object references. Values cross nodes, futures could not.
 */
public final class Arguments {
  /** The marker of a resolved response that was nested in an argument: {@code {"@vserve.ref": value}}. */
  public static final String REF = "@vserve.ref";
  /** The wrapper of an argument that holds {@link #REF} markers. */
  public static final String REFS = "@vserve.refs";

  private Arguments() {}

  /** The keyword arguments of a Python caller: one marked last argument, whose values count as arguments. */
  public static final String KWARGS = "@vserve.kwargs";

  /** The arguments with every future replaced by its result; completes at once when there is none. */
  public static Future<Object[]> resolve(Object[] args) {
    Object[] a = args == null ? new Object[0] : args;
    List<Future<?>> pending = null;
    for (Object o : a) {
      if (hasNested(o)) {
        if (pending == null) pending = new ArrayList<>();
        collect(o, pending);
      }
    }
    if (pending == null) return Future.succeededFuture(a);
    return Future.all(pending).map(done -> {
      Object[] resolved = a.clone();
      for (int i = 0; i < resolved.length; i++) resolved[i] = argument(resolved[i], true);
      return resolved;
    });
  }

  /** An argument once its futures are done: its value, or wrapped if responses are nested in it. */
  private static Object argument(Object o, boolean top) {
    if (o instanceof Future<?> f) return f.result();
    if (top && o instanceof Map<?, ?> m && m.size() == 1 && m.get(KWARGS) instanceof Map<?, ?> kw) {
      Map<Object, Object> out = new LinkedHashMap<>();
      kw.forEach((k, v) -> out.put(k, argument(v, false)));
      return Map.of(KWARGS, out);
    }
    return hasNested(o) ? Map.of(REFS, replaceNested(o)) : o;
  }

  private static boolean hasNested(Object o) {
    if (o instanceof Future<?>) return true;
    if (o instanceof List<?> l) {
      for (Object x : l) if (hasNested(x)) return true;
    } else if (o instanceof Map<?, ?> m) {
      for (Object x : m.values()) if (hasNested(x)) return true;
    }
    return false;
  }

  private static void collect(Object o, List<Future<?>> into) {
    if (o instanceof Future<?> f) into.add(f);
    else if (o instanceof List<?> l) for (Object x : l) collect(x, into);
    else if (o instanceof Map<?, ?> m) for (Object x : m.values()) collect(x, into);
  }

  private static Object replaceNested(Object o) {
    if (o instanceof Future<?> f) return Map.of(REF, f.result() == null ? Map.of() : f.result());
    if (o instanceof List<?> l && hasNested(l)) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object x : l) out.add(replaceNested(x));
      return out;
    }
    if (o instanceof Map<?, ?> m && hasNested(m)) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, replaceNested(v)));
      return out;
    }
    return o;
  }
}
