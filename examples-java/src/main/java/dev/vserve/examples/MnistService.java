package dev.vserve.examples;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.vserve.Application;
import dev.vserve.Batch;
import dev.vserve.Deployment;
import dev.vserve.Post;
import dev.vserve.Serve;
import dev.vserve.djl.DjlModel;
import dev.vserve.examples.mnist.MnistNet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed tutorial's MNIST classifier on DJL. {@code POST /} with {@code {"image": [[28 floats] x 28]}}
 * answers {@code {"predicted_label": int, "logits": [10 floats]}}; a batch {@code [N][28][28]} (or
 * {@code [N][1][28][28]}, as the intro template sends) answers lists of both. Requests are batched
 * as in the seed, measured in images; override with
 * {@code .options(c -> c.setBatchOptions("predict", new BatchOptions().setMaxBatchSize(32)))}.
 */
@Deployment(maxOngoingRequests = 256)
public class MnistService implements AutoCloseable, dev.vserve.inference.InferenceModel {
  /** Bigger batch requests are refused (400) rather than held in memory. */
  static final int MAX_IMAGES_PER_REQUEST = 1024;
  public static final int FORWARD_BATCH = 32;

  private final DjlModel model;

  public MnistService() {
    this(defaultModelDir().toString());
  }

  public MnistService(String modelDir) {
    // collect up to 128 images per batch, as the seed, but run them 32 at a time: a pass of 128
    // allocates blocks glibc maps fresh from the OS each time (see DjlModel.splitBatchesOf)
    model = DjlModel.load(Path.of(modelDir), "mnist", MnistNet.block()).splitBatchesOf(FORWARD_BATCH);
  }

  /**
   * One request's images, read straight from the JSON stream (floats, no tree) and validated while
   * the request is bound, so a bad one is a 400 and never joins a batch.
   */
  @JsonDeserialize(using = ImagesReader.class)
  public record Images(float[] pixels, int count, boolean batch) {}

  /** Reads {@code {"image": ...}} as {@code [28][28]}, {@code [N][28][28]} or {@code [N][1][28][28]}. */
  static final class ImagesReader extends StdDeserializer<Images> {
    private static final String EXPECTED = "expected {\"image\": [[28 numbers] x 28]} or a batch [N][28][28]";

    ImagesReader() {
      super(Images.class);
    }

    /** A leaf array of numbers: where its values start in the buffer, and how many. */
    private record Row(int offset, int length) {}

    @Override
    public Images deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException(EXPECTED);
      Object image = null;
      float[][] buf = {new float[784]};
      int[] used = {0};
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("image")) image = read(p, buf, used, "image", 0);
        else p.skipChildren();
      }
      if (!(image instanceof List<?> top) || top.isEmpty()) throw new IllegalArgumentException(EXPECTED);
      if (top.get(0) instanceof Row) return new Images(pixels(List.of(top), buf[0]), 1, false);
      List<List<?>> images = new ArrayList<>(top.size());
      for (int n = 0; n < top.size(); n++) {
        Object img = top.get(n);
        // [N][1][28][28]: unwrap the single channel
        if (img instanceof List<?> l && l.size() == 1 && l.get(0) instanceof List<?> inner && !inner.isEmpty()
            && inner.get(0) instanceof List<?>) img = inner;
        if (!(img instanceof List<?> rows)) throw new IllegalArgumentException("image " + n + " must be [28][28] numbers");
        images.add(rows);
      }
      if (images.size() > MAX_IMAGES_PER_REQUEST) {
        throw new IllegalArgumentException("at most " + MAX_IMAGES_PER_REQUEST + " images per request, got " + images.size());
      }
      return new Images(pixels(images, buf[0]), images.size(), true);
    }

    /** Arrays of numbers become {@link Row}s in the buffer; arrays of arrays become lists. */
    private static Object read(JsonParser p, float[][] buf, int[] used, String path, int depth) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) throw new IllegalArgumentException(path + " must be an array");
      if (depth > 4) throw new IllegalArgumentException(path + ": too deeply nested");
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
        int offset = used[0];
        int c = 0;
        for (; t != JsonToken.END_ARRAY; t = p.nextToken(), c++) {
          if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException(path + "[" + c + "] must be a number, got " + p.getText());
          }
          if (used[0] == buf[0].length) {
            if (buf[0].length >= (MAX_IMAGES_PER_REQUEST + 1) * 784) throw new IllegalArgumentException("too many values");
            buf[0] = java.util.Arrays.copyOf(buf[0], buf[0].length * 2);
          }
          buf[0][used[0]++] = p.getFloatValue();
        }
        return new Row(offset, c);
      }
      List<Object> children = new ArrayList<>();
      for (int i = 0; t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
        if (t != JsonToken.START_ARRAY) throw new IllegalArgumentException(path + "[" + i + "] must be an array, got " + p.getText());
        children.add(read(p, buf, used, path + "[" + i + "]", depth + 1));
      }
      return children;
    }

    /** Checks every image is 28 rows of 28 numbers and normalises them into one input buffer. */
    private static float[] pixels(List<? extends List<?>> images, float[] buf) {
      float[] out = new float[images.size() * 784];
      for (int n = 0; n < images.size(); n++) {
        List<?> rows = images.get(n);
        String which = images.size() == 1 ? "image" : "image " + n;
        if (rows.size() != 28) throw new IllegalArgumentException(which + " must have 28 rows, got " + rows.size());
        for (int r = 0; r < 28; r++) {
          if (!(rows.get(r) instanceof Row row)) throw new IllegalArgumentException(which + ", row " + r + " must be 28 numbers");
          if (row.length() != 28) {
            throw new IllegalArgumentException(which + ", row " + r + " must have 28 values, got " + row.length());
          }
          for (int c = 0; c < 28; c++) out[n * 784 + r * 28 + c] = (buf[row.offset() + c] - MnistNet.MEAN) / MnistNet.STD;
        }
      }
      return out;
    }
  }

  /** Batches are measured in images, so batch requests and single images share one budget. */
  public static final class ImageCount implements Batch.SizeFunction {
    @Override
    public int size(List<?> items) {
      int n = 0;
      for (Object o : items) n += ((Images) o).count();
      return n;
    }
  }

  @Post("/")
  @Batch(maxBatchSize = 128, batchWaitTimeoutMs = 100, batchSizeFn = ImageCount.class)
  public List<Map<String, Object>> predict(List<Images> requests) {
    int total = 0;
    for (Images r : requests) total += r.count();
    float[] input = new float[total * 784];
    int at = 0;
    for (Images r : requests) {
      System.arraycopy(r.pixels(), 0, input, at, r.pixels().length);
      at += r.pixels().length;
    }
    float[][] logits = model.predict(input, total, 1, 28, 28);
    List<Map<String, Object>> answers = new ArrayList<>(requests.size());
    int row = 0;
    for (Images r : requests) {
      if (!r.batch()) {
        answers.add(answer(argMax(logits[row]), logits[row]));
        row++;
      } else {
        List<Integer> labels = new ArrayList<>(r.count());
        List<float[]> rows = new ArrayList<>(r.count());
        for (int k = 0; k < r.count(); k++, row++) {
          labels.add(argMax(logits[row]));
          rows.add(logits[row]);
        }
        answers.add(answer(labels, rows));
      }
    }
    return answers;
  }

  // ---- the Open Inference Protocol (KServe v2): POST /v2/models/{application}/infer ----

  private static final long[] ANY_BATCH_IMAGE = {-1, 1, 28, 28};

  @Override
  public dev.vserve.inference.ModelMetadata metadata() {
    return new dev.vserve.inference.ModelMetadata("vserve_djl_pytorch",
        List.of(new dev.vserve.inference.ModelMetadata.TensorSpec("image", "FP32", ANY_BATCH_IMAGE)),
        List.of(new dev.vserve.inference.ModelMetadata.TensorSpec("logits", "FP32", new long[] {-1, 10}),
            new dev.vserve.inference.ModelMetadata.TensorSpec("predicted_label", "INT64", new long[] {-1})));
  }

  /** Images in a v2 request (its "image" input's first dimension), for the batch's size. */
  public static final class TensorImages implements Batch.SizeFunction {
    @Override
    public int size(List<?> items) {
      int n = 0;
      for (Object o : items) n += images((dev.vserve.inference.InferenceRequest) o);
      return n;
    }
  }

  static int images(dev.vserve.inference.InferenceRequest r) {
    for (var t : r.inputs()) if (t.name().equals("image")) return (int) Math.max(1, t.elements() / 784);
    return 1;
  }

  /**
   * v2 requests, batched with each other as the JSON ones are: input {@code image} FP32 of shape
   * [N, 1, 28, 28], [N, 28, 28] or [28, 28]; outputs {@code logits} [N, 10] and {@code predicted_label} [N].
   * A request of the wrong shape fails alone (400), not its batch.
   */
  @Batch(maxBatchSize = 128, batchWaitTimeoutMs = 100, batchSizeFn = TensorImages.class)
  public List<Object> infer(List<dev.vserve.inference.InferenceRequest> requests) {
    List<Object> out = new ArrayList<>(requests.size());
    List<float[]> valid = new ArrayList<>();
    int total = 0;
    for (var r : requests) {
      try {
        var image = r.input("image");
        if (!image.datatype().equals("FP32") || image.elements() == 0 || image.elements() % 784 != 0
            || image.shape()[image.shape().length - 1] != 28 || image.shape().length < 2 || image.shape()[image.shape().length - 2] != 28) {
          throw new dev.vserve.BadRequestException("input 'image' must be FP32 of shape [N, 1, 28, 28], [N, 28, 28] or [28, 28], got "
              + image.datatype() + java.util.Arrays.toString(image.shape()));
        }
        if (image.elements() / 784 > MAX_IMAGES_PER_REQUEST) {
          throw new dev.vserve.BadRequestException("at most " + MAX_IMAGES_PER_REQUEST + " images per request");
        }
        float[] raw = image.asFloats();
        valid.add(raw);
        total += raw.length / 784;
        out.add(null);
      } catch (RuntimeException e) {
        out.add(e);
      }
    }
    if (total == 0) return out;
    // the seed's contract: pixels in [0, 1], normalised here (as the JSON path does) into the batch's input
    float[] input = new float[total * 784];
    int at = 0;
    for (float[] p : valid) {
      dev.vserve.examples.mnist.MnistNet.normalise(p, input, at);
      at += p.length;
    }
    float[][] logits = model.predict(input, total, 1, 28, 28);
    int row = 0;
    int next = 0;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) != null) continue;
      int n = valid.get(next++).length / 784;
      float[] flat = new float[n * 10];
      long[] labels = new long[n];
      for (int k = 0; k < n; k++, row++) {
        System.arraycopy(logits[row], 0, flat, k * 10, 10);
        labels[k] = argMax(logits[row]);
      }
      out.set(i, new dev.vserve.inference.InferenceResponse(List.of(
          dev.vserve.inference.Tensor.fp32("logits", new long[] {n, 10}, flat),
          dev.vserve.inference.Tensor.int64("predicted_label", new long[] {n}, labels))));
    }
    return out;
  }

  private static Map<String, Object> answer(Object label, Object logits) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("predicted_label", label);
    m.put("logits", logits);
    return m;
  }

  static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }

  @Override
  public void close() {
    model.close();
  }

  /** The committed weights, from the repository root (./vserve) or the module (tests). */
  static Path defaultModelDir() {
    Path p = Path.of("examples-java/models/mnist");
    return Files.isDirectory(p) ? p : Path.of("models/mnist");
  }

  public static final Application app = Serve.deployment(MnistService.class).bind();
}
