package dev.vserve.examples.mnist;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Variants of the trained MNIST weights, for model multiplexing: each a weight file of its own, made
 * from {@code models/mnist} by this program (on first use, into {@code models/variants/<id>}, which git
 * ignores) rather than kept in the repository. They answer alike, not identically:
 * <ul>
 *   <li>{@code mnist}: the trained weights themselves;</li>
 *   <li>{@code mnist-fp16}: every weight rounded to half precision;</li>
 *   <li>{@code mnist-int8}: each tensor quantised to 8 bits (symmetric, one scale per tensor);</li>
 *   <li>{@code mnist-pruned}: in each tensor the half of the weights nearest zero set to zero.</li>
 * </ul>
 * {@code main} makes them all.
 */
public final class MnistVariants {
  public static final List<String> IDS = List.of("mnist", "mnist-fp16", "mnist-int8", "mnist-pruned");

  private MnistVariants() {}

  /** The folder holding model {@code id}'s weights ({@code mnist-0000.params}), made first if missing. */
  public static synchronized Path ensure(Path trained, String id) {
    if (!IDS.contains(id)) throw new IllegalArgumentException("no MNIST model '" + id + "' (models: " + IDS + ")");
    if (id.equals("mnist")) return trained;
    Path dir = trained.resolveSibling("variants").resolve(id);
    if (Files.exists(dir.resolve("mnist-0000.params"))) return dir;
    try {
      Path tmp = Files.createDirectories(dir.getParent()).resolve(id + ".tmp-" + ProcessHandle.current().pid());
      Files.createDirectories(tmp);
      try (Model base = Model.newInstance("mnist", Device.cpu())) {
        base.setBlock(MnistNet.block());
        // initialised with the input shape first, so that the saved file describes it as the trainer's does
        base.getBlock().initialize(base.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
        base.load(trained, "mnist");
        for (Pair<String, Parameter> p : base.getBlock().getParameters()) {
          NDArray a = p.getValue().getArray();
          a.set(FloatBuffer.wrap(transform(id, a.toFloatArray())));
        }
        base.save(tmp, "mnist");
      } catch (ai.djl.MalformedModelException e) {
        throw new IllegalStateException("the trained weights in " + trained + " do not fit the MNIST block", e);
      }
      Files.createDirectories(dir);
      Files.move(tmp.resolve("mnist-0000.params"), dir.resolve("mnist-0000.params"), StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(tmp);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make MNIST variant '" + id + "' in " + dir, e);
    }
  }

  static float[] transform(String id, float[] w) {
    float[] out = w.clone();
    switch (id) {
      case "mnist-fp16" -> {
        for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(out[i]));
      }
      case "mnist-int8" -> {
        float max = 0;
        for (float v : out) max = Math.max(max, Math.abs(v));
        float scale = max == 0 ? 1 : max / 127f;
        for (int i = 0; i < out.length; i++) out[i] = Math.round(out[i] / scale) * scale;
      }
      case "mnist-pruned" -> {
        float[] mags = new float[out.length];
        for (int i = 0; i < out.length; i++) mags[i] = Math.abs(out[i]);
        Arrays.sort(mags);
        float cut = mags[mags.length / 2];
        for (int i = 0; i < out.length; i++) if (Math.abs(out[i]) < cut) out[i] = 0;
      }
      default -> throw new IllegalArgumentException(id);
    }
    return out;
  }

  /** {@code MnistVariants [trained weights dir]}: makes every variant (default examples-java/models/mnist). */
  public static void main(String[] args) {
    Path trained = Path.of(args.length > 0 ? args[0] : "examples-java/models/mnist");
    for (String id : IDS) System.out.println(id + ": " + ensure(trained, id));
  }
}
