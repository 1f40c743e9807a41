package dev.vserve.impl.handle;

import dev.vserve.DeploymentHandle;
import dev.vserve.DeploymentResponse;
import dev.vserve.impl.Json;
import io.vertx.core.Future;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;

/**
 * {@link DeploymentHandle#as}: an interface whose methods call the deployment's methods of the same
 * name. Methods returning {@code Future<T>} are asynchronous; others block (never on an event loop).
 */
public final class TypedView {
  private TypedView() {}

  @SuppressWarnings("unchecked")
  public static <T> T of(DeploymentHandle handle, Class<T> api) {
    if (!api.isInterface()) throw new IllegalArgumentException(api.getName() + " is not an interface");
    InvocationHandler h = (proxy, m, args) -> {
      if (m.getDeclaringClass() == Object.class) return objectMethod(handle, proxy, m, args);
      DeploymentResponse<Object> r = handle.method(m.getName()).remote(args == null ? new Object[0] : args);
      Class<?> rt = m.getReturnType();
      if (Future.class.isAssignableFrom(rt)) return DeploymentResponse.of(r.map(v -> Json.convert(v, futureValueType(m))));
      Object v = r.await();
      return rt == void.class ? null : Json.convert(v, m.getGenericReturnType());
    };
    return (T) Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, h);
  }

  private static Type futureValueType(Method m) {
    return m.getGenericReturnType() instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
  }

  private static Object objectMethod(DeploymentHandle handle, Object proxy, Method m, Object[] args) {
    return switch (m.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> "typed " + handle;
    };
  }
}
