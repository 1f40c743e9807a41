package dev.vserve.impl.handle;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/** Composition: arguments that are futures (upstream responses) are awaited, without blocking, and passed by value. */
public final class Arguments {
  private Arguments() {}

  /** The arguments with every future replaced by its result; completes at once when there is none. */
  public static Future<Object[]> resolve(Object[] args) {
    Object[] a = args == null ? new Object[0] : args;
    List<Future<?>> pending = null;
    for (Object o : a) {
      if (o instanceof Future<?> f) {
        if (pending == null) pending = new ArrayList<>();
        pending.add(f);
      }
    }
    if (pending == null) return Future.succeededFuture(a);
    return Future.all(pending).map(done -> {
      Object[] resolved = a.clone();
      for (int i = 0; i < resolved.length; i++) if (resolved[i] instanceof Future<?> f) resolved[i] = f.result();
      return resolved;
    });
  }
}
