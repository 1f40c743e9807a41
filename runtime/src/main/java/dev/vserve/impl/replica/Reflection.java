package dev.vserve.impl.replica;

import dev.vserve.BadRequestException;
import dev.vserve.DeploymentResponse;
import dev.vserve.impl.Json;
import io.vertx.core.Future;

import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** Argument coercion and result unwrapping shared by constructors and methods. */
final class Reflection {
  private Reflection() {}

  static boolean accepts(Executable e, int argCount) {
    int n = e.getParameterCount();
    return e.isVarArgs() ? argCount >= n - 1 : argCount == n;
  }

  /** Converts {@code args} to the parameter types of {@code e}, packing trailing varargs. */
  static Object[] coerce(Executable e, Object[] args) {
    Type[] types = e.getGenericParameterTypes();
    Object[] out = new Object[types.length];
    int fixed = e.isVarArgs() ? types.length - 1 : types.length;
    for (int i = 0; i < fixed; i++) out[i] = coerceOne(args[i], types[i], e, i);
    if (e.isVarArgs()) {
      Class<?> component = e.getParameterTypes()[fixed].getComponentType();
      int n = args.length - fixed;
      if (n == 1 && args[fixed] != null && args[fixed].getClass().isArray()
          && e.getParameterTypes()[fixed].isInstance(args[fixed])) {
        out[fixed] = args[fixed];
      } else {
        Object arr = java.lang.reflect.Array.newInstance(component, n);
        for (int i = 0; i < n; i++) java.lang.reflect.Array.set(arr, i, coerceOne(args[fixed + i], component, e, fixed + i));
        out[fixed] = arr;
      }
    }
    return out;
  }

  static Object coerceTo(Object arg, Type type, Executable e) {
    return coerceOne(arg, type, e, 0);
  }

  private static Object coerceOne(Object arg, Type type, Executable e, int index) {
    if (arg instanceof java.util.Map<?, ?> m && m.containsKey("@vserve.pickle")) {
      throw new BadRequestException("argument " + index + " of " + e.getName() + " is a Python object (" + m.get("type")
          + ", pickled): Java deployments take JSON-shaped values");
    }
    try {
      return Json.convert(arg, type);
    } catch (IllegalArgumentException ex) {
      throw new BadRequestException("argument " + index + " of " + e.getName() + " must be " + Json.typeName(type)
          + ", got " + (arg == null ? "null" : arg.getClass().getSimpleName()) + ": " + arg);
    }
  }

  /** The cause a reflective call hides; what the user code really threw. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof InvocationTargetException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Waits for asynchronous results; callers run on virtual threads, where parking is cheap. */
  /** A non-blocking method's result as a future: its own, a stage's, or a value already there. */
  @SuppressWarnings("unchecked")
  static Future<Object> future(Object result) {
    if (result instanceof Future<?> f) return (Future<Object>) f;
    if (result instanceof CompletionStage<?> cs) return Future.fromCompletionStage((CompletionStage<Object>) cs);
    return Future.succeededFuture(result);
  }

  static Object settle(Object result) throws Throwable {
    try {
      if (result instanceof Future<?> f) return DeploymentResponse.of(f).await();
      if (result instanceof CompletionStage<?> cs) return cs.toCompletableFuture().get();
      return result;
    } catch (Throwable t) {
      throw unwrap(t);
    }
  }
}
