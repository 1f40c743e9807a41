package dev.vserve.python.impl;

import dev.vserve.BadRequestException;
import dev.vserve.djl.DjlModel;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A DJL model as Python uses it: inputs are nested lists (Python's, or the request's own Java lists)
 * read into one float buffer in Java, never element by element in Python.
 */
public final class PyModel implements AutoCloseable {
  private final DjlModel model;
  /** Runs {@link #predictAsync}'s forward passes, so the replica's Python thread serves on meanwhile. */
  private final ExecutorService inference =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("vserve-py-model").factory());

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
    Tensor t = new Reader("input", mean, std).readAll(input);
    if (shape != null && !shape.isNull()) {
      List<Integer> want = new ArrayList<>();
      for (long i = 0; i < shape.getArraySize(); i++) want.add(shape.getArrayElement(i).asInt());
      if (!want.equals(t.shape())) throw new BadRequestException("input must have shape " + want + ", got " + t.shape());
    }
    return t;
  }

  /**
   * Runs the model on {@code inputs} ({@code [N][...]} nested lists of numbers or tensors), each value
   * taken as {@code (x - mean) / std}. {@code shape} is the model's input shape with -1 for the batch
   * size (null: the nesting's own). Returns one row of outputs per input.
   */
  @HostAccess.Export
  public float[][] predict(Value inputs, Value shape, double mean, double std) {
    Tensor in = new Reader("inputs", mean, std).readAll(inputs);
    return in.values().length == 0 ? new float[0][] : model.predict(in.values(), modelShape(in, shape));
  }

  /**
   * {@link #predict} with the forward pass on a thread of its own: the inputs are read now, the
   * future completes with the rows. Awaited in Python, the replica takes other requests meanwhile.
   */
  @HostAccess.Export
  public Object predictAsync(Value inputs, Value shape, double mean, double std) {
    Tensor in = new Reader("inputs", mean, std).readAll(inputs);
    if (in.values().length == 0) return CompletableFuture.completedFuture(new float[0][]);
    long[] s = modelShape(in, shape);
    return CompletableFuture.supplyAsync(() -> model.predict(in.values(), s), inference);
  }

  /** The shape the model is given: {@code shape} with its -1 filled in, or the input's own. */
  private static long[] modelShape(Tensor in, Value shape) {
    if (shape == null || shape.isNull()) return in.shape().stream().mapToLong(Integer::longValue).toArray();
    long[] s = new long[Math.toIntExact(shape.getArraySize())];
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      s[i] = shape.getArrayElement(i).asLong();
      if (s[i] > 0) known *= s[i];
    }
    for (int i = 0; i < s.length; i++) if (s[i] < 0) s[i] = in.values().length / Math.max(1, known);
    return s;
  }

  /**
   * Reads nested lists of numbers into one buffer, checking that every list at a depth has one
   * length. Where it is ({@code path}) is kept as indices and spelled out only for an error.
   */
  private static final class Reader {
    private final String name;
    private final float mean;
    private final float scale;
    private final List<Integer> dims = new ArrayList<>();
    private final int[] path = new int[16];
    private float[] buf = new float[1024];
    private int used;

    Reader(String name, double mean, double std) {
      this.name = name;
      this.mean = (float) mean;
      this.scale = (float) (1 / std);
    }

    Tensor readAll(Value v) {
      read(v, 0);
      long n = 1;
      for (int d : dims) n *= d;
      if (n != used) {
        throw new BadRequestException(name + " is ragged or mixes numbers and lists: shape " + dims + " but " + used + " values");
      }
      return new Tensor(Arrays.copyOf(buf, used), dims);
    }

    private void read(Value v, int depth) {
      if (v.isHostObject() && v.asHostObject() instanceof Tensor t) {
        // already read and normalised: its shape continues at this depth
        for (int i = 0; i < t.shape().size(); i++) dim(depth + i, t.shape().get(i));
        for (float x : t.values()) put(x);
        return;
      }
      if (v.isHostObject() && v.asHostObject() instanceof List<?> list) {
        readJava(list, depth);
        return;
      }
      if (v.isNumber() && !v.isBoolean()) {
        put((float) ((v.asDouble() - mean) * scale));
        return;
      }
      if (!v.hasArrayElements()) throw new BadRequestException(at(depth) + " must be a number or a list, got " + v);
      int size = Math.toIntExact(v.getArraySize());
      dim(depth, size);
      for (int i = 0; i < size; i++) {
        enter(depth, i);
        read(v.getArrayElement(i), depth + 1);
      }
    }

    private void readJava(Object o, int depth) {
      if (o instanceof Number x) {
        put((float) ((x.doubleValue() - mean) * scale));
        return;
      }
      if (!(o instanceof List<?> list)) throw new BadRequestException(at(depth) + " must be a number or a list, got " + o);
      dim(depth, list.size());
      for (int i = 0; i < list.size(); i++) {
        enter(depth, i);
        readJava(list.get(i), depth + 1);
      }
    }

    private void enter(int depth, int index) {
      if (depth >= path.length) throw new BadRequestException(name + " is nested deeper than " + path.length + " levels");
      path[depth] = index;
    }

    private void dim(int depth, int size) {
      if (dims.size() == depth) {
        dims.add(size);
      } else if (depth > 0 && dims.get(depth) != size) {
        throw new BadRequestException(at(depth) + " has " + size + " values, expected " + dims.get(depth));
      }
    }

    private String at(int depth) {
      StringBuilder s = new StringBuilder(name);
      for (int i = 0; i < depth; i++) s.append('[').append(path[i]).append(']');
      return s.toString();
    }

    private void put(float x) {
      if (used == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
      buf[used++] = x;
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  /** Frees the weights: by Python when a multiplexed model is evicted, or with the replica. */
  @Override
  @HostAccess.Export
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    inference.shutdown();
    model.close();
  }
}
