package dev.vserve.inference;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One tensor of the Open Inference Protocol (KServe v2): a name, a datatype ({@code FP32},
 * {@code FP64}, {@code INT8}..{@code INT64}, {@code UINT8}, {@code BOOL}), a shape, and its elements in
 * row-major order. In a replica the data is a {@code float[]} (FP32), {@code double[]} (FP64),
 * {@code long[]} (the integer types), {@code boolean[]} (BOOL); between nodes it travels as JSON numbers,
 * and the accessors convert whichever arrived.
 */
public record Tensor(String name, String datatype, long[] shape, Object data) {
  public static final Set<String> DATATYPES = Set.of("FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "BOOL");

  public static Tensor fp32(String name, long[] shape, float[] data) {
    return new Tensor(name, "FP32", shape, data);
  }

  public static Tensor int64(String name, long[] shape, long[] data) {
    return new Tensor(name, "INT64", shape, data);
  }

  /** The number of elements the shape holds. */
  public long elements() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  public float[] asFloats() {
    if (data instanceof float[] f) return f;
    double[] d = asDoubles();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  public double[] asDoubles() {
    return switch (data) {
      case double[] d -> d;
      case float[] f -> {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        yield d;
      }
      case long[] l -> Arrays.stream(l).asDoubleStream().toArray();
      case boolean[] z -> {
        double[] d = new double[z.length];
        for (int i = 0; i < z.length; i++) d[i] = z[i] ? 1 : 0;
        yield d;
      }
      case List<?> list -> list.stream().mapToDouble(v -> v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue()).toArray();
      default -> throw new IllegalArgumentException("tensor " + name + " holds " + (data == null ? "no data" : data.getClass().getSimpleName()));
    };
  }

  public long[] asLongs() {
    if (data instanceof long[] l) return l;
    double[] d = asDoubles();
    long[] l = new long[d.length];
    for (int i = 0; i < d.length; i++) l[i] = (long) d[i];
    return l;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && name.equals(t.name) && datatype.equals(t.datatype) && Arrays.equals(shape, t.shape)
        && Arrays.equals(asDoubles(), t.asDoubles());
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "Tensor{" + name + " " + datatype + Arrays.toString(shape) + "}";
  }
}
