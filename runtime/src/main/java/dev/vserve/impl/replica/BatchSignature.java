package dev.vserve.impl.replica;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * The shape of a {@code @Batch} method: one {@code List<T>} parameter, where each caller passes one
 * {@code T}. Read by the invoker (handle calls) and by the HTTP binding (a request is one item).
 */
final class BatchSignature {
  private BatchSignature() {}

  static void check(Method m) {
    if (m.getParameterCount() != 1 || !List.class.isAssignableFrom(m.getParameterTypes()[0])) {
      throw new IllegalArgumentException("@Batch method " + m.getName() + " must take exactly one List parameter");
    }
  }

  /** Whether a batched method's results are streams (its list's items are iterators, streams or streaming responses). */
  static boolean yieldsStreams(Method m) {
    Type r = m.getGenericReturnType();
    if (!(r instanceof ParameterizedType pt) || pt.getActualTypeArguments().length != 1) return false;
    Type item = pt.getActualTypeArguments()[0];
    Class<?> raw = item instanceof ParameterizedType p ? (Class<?>) p.getRawType() : item instanceof Class<?> c ? c : null;
    return raw != null && dev.vserve.impl.stream.StreamResults.isStreamType(raw);
  }

  /** The T of a batched method's {@code List<T>} parameter: what each caller passes. */
  static Type itemType(Method m) {
    return m.getGenericParameterTypes()[0] instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
  }
}
