package dev.vserve.python.impl;

import dev.vserve.BadRequestException;
import dev.vserve.djl.DjlModel;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * A DJL model as Python uses it: inputs are nested lists (Python's, or the request's own Java lists)
 * read into one float buffer in Java, never element by element in Python.
 */
public final class PyModel implements AutoCloseable {
  private final DjlModel model;
  /** Runs {@link #predictAsync}'s forward passes, so the replica's Python thread serves on meanwhile. */
  private final java.util.concurrent.ExecutorService inference =
      java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("vserve-py-model").factory());

  PyModel(DjlModel model) {
    this.model = model;
  }

  @HostAccess.Export
  public void splitBatchesOf(int n) {
    model.splitBatchesOf(n);
  }

  /** One input read and checked ahead of a batch: its values (normalised) and its shape. */
  record Tensor(float[] values, List<Integer> shape) {}

  /**
   * Reads one input into a tensor, checking it against {@code shape} (null: any), so that a bad input
   * is a 400 naming the problem before it joins a batch with others.
   */
  @HostAccess.Export
  public Object tensor(Value input, Value shape, double mean, double std) {
    List<Integer> dims = new ArrayList<>();
    float[][] buf = {new float[1024]};
    int[] used = {0};
    read(input, 0, dims, buf, used, (float) mean, (float) (1 / std), "input");
    if (shape != null && !shape.isNull()) {
      List<Integer> want = new ArrayList<>();
      for (long i = 0; i < shape.getArraySize(); i++) want.add(shape.getArrayElement(i).asInt());
      if (!want.equals(dims)) throw new BadRequestException("input must have shape " + want + ", got " + dims);
    }
    checkRagged(dims, used[0]);
    return new Tensor(java.util.Arrays.copyOf(buf[0], used[0]), dims);
  }

  private static void checkRagged(List<Integer> dims, int count) {
    long n = 1;
    for (int d : dims) n *= d;
    if (n != count) throw new BadRequestException("input is ragged or mixes numbers and lists: shape " + dims + " but " + count + " values");
  }

  /**
   * Runs the model on {@code inputs} ({@code [N][...]} nested lists of numbers), each value taken as
   * {@code (x - mean) / std}. {@code shape} is the model's input shape with -1 for the batch size
   * (null: the nesting's own). Returns one row of outputs per input.
   */
  @HostAccess.Export
  public float[][] predict(Value inputs, Value shape, double mean, double std) {
    Input in = input(inputs, shape, mean, std);
    return in.shape[0] == 0 ? new float[0][] : model.predict(in.values, in.shape);
  }

  /**
   * {@link #predict} with the forward pass on a thread of its own: the inputs are read now, the
   * future completes with the rows. Awaited in Python, the replica takes other requests meanwhile.
   */
  @HostAccess.Export
  public Object predictAsync(Value inputs, Value shape, double mean, double std) {
    Input in = input(inputs, shape, mean, std);
    if (in.shape[0] == 0) return java.util.concurrent.CompletableFuture.completedFuture(new float[0][]);
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> model.predict(in.values, in.shape), inference);
  }

  private record Input(float[] values, long[] shape) {}

  private static Input input(Value inputs, Value shape, double mean, double std) {
    List<Integer> dims = new ArrayList<>();
    float[][] buf = {new float[1024]};
    int[] used = {0};
    read(inputs, 0, dims, buf, used, (float) mean, (float) (1 / std), "inputs");
    long n = dims.isEmpty() ? 0 : dims.get(0);
    checkRagged(dims, used[0]);
    long[] s;
    if (shape == null || shape.isNull()) {
      s = dims.stream().mapToLong(Integer::longValue).toArray();
    } else {
      s = new long[Math.toIntExact(shape.getArraySize())];
      long known = 1;
      for (int i = 0; i < s.length; i++) {
        s[i] = shape.getArrayElement(i).asLong();
        if (s[i] > 0) known *= s[i];
      }
      for (int i = 0; i < s.length; i++) if (s[i] < 0) s[i] = used[0] / Math.max(1, known);
    }
    if (n == 0) s = new long[] {0};
    return new Input(java.util.Arrays.copyOf(buf[0], used[0]), s);
  }

  /** Appends the numbers of {@code v} to the buffer, checking that every list at a depth has one length. */
  private static void read(Value v, int depth, List<Integer> dims, float[][] buf, int[] used, float mean, float scale, String at) {
    if (v.isHostObject() && v.asHostObject() instanceof Tensor t) {
      // already read and normalised: its shape continues at this depth
      for (int i = 0; i < t.shape().size(); i++) dim(dims, depth + i, t.shape().get(i), at);
      for (float x : t.values()) put(buf, used, x);
      return;
    }
    if (v.isHostObject() && v.asHostObject() instanceof List<?> list) {
      readJava(list, depth, dims, buf, used, mean, scale, at);
      return;
    }
    if (v.isNumber() && !v.isBoolean()) {
      put(buf, used, (float) ((v.asDouble() - mean) * scale));
      return;
    }
    if (!v.hasArrayElements()) throw new BadRequestException(at + " must be a number or a list, got " + v);
    int size = Math.toIntExact(v.getArraySize());
    dim(dims, depth, size, at);
    for (int i = 0; i < size; i++) read(v.getArrayElement(i), depth + 1, dims, buf, used, mean, scale, at + "[" + i + "]");
  }

  private static void readJava(Object o, int depth, List<Integer> dims, float[][] buf, int[] used, float mean, float scale, String at) {
    if (o instanceof Number x) {
      put(buf, used, (float) ((x.doubleValue() - mean) * scale));
      return;
    }
    if (!(o instanceof List<?> list)) throw new BadRequestException(at + " must be a number or a list, got " + o);
    dim(dims, depth, list.size(), at);
    for (int i = 0; i < list.size(); i++) readJava(list.get(i), depth + 1, dims, buf, used, mean, scale, at + "[" + i + "]");
  }

  private static void dim(List<Integer> dims, int depth, int size, String at) {
    if (dims.size() == depth) dims.add(size);
    else if (dims.get(depth) != size && depth > 0) {
      throw new BadRequestException(at + " has " + size + " values, expected " + dims.get(depth));
    }
  }

  private static void put(float[][] buf, int[] used, float x) {
    if (used[0] == buf[0].length) buf[0] = java.util.Arrays.copyOf(buf[0], buf[0].length * 2);
    buf[0][used[0]++] = x;
  }

  @Override
  public void close() {
    inference.shutdown();
    model.close();
  }
}
