package dev.vserve.examples;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.Application;
import dev.vserve.Batch;
import dev.vserve.Deployment;
import dev.vserve.Post;
import dev.vserve.Serve;
import dev.vserve.djl.DjlModel;
import dev.vserve.examples.mnist.MnistNet;

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
public class MnistService implements AutoCloseable {
  /** Bigger batch requests are refused (400) rather than held in memory. */
  static final int MAX_IMAGES_PER_REQUEST = 1024;

  private final DjlModel model;

  public MnistService() {
    this(defaultModelDir().toString());
  }

  public MnistService(String modelDir) {
    model = DjlModel.load(Path.of(modelDir), "mnist", MnistNet.block());
  }

  /** One request's images, validated while the request is bound, so a bad one never joins a batch. */
  public record Images(float[] pixels, int count, boolean batch) {
    @JsonCreator
    public static Images of(@JsonProperty("image") JsonNode image) {
      if (image == null || !image.isArray() || image.isEmpty()) {
        throw new IllegalArgumentException("expected {\"image\": [[28 numbers] x 28]} or a batch [N][28][28]");
      }
      JsonNode first = image.get(0);
      if (first.isArray() && !first.isEmpty() && first.get(0).isNumber()) return new Images(pixels(List.of(image)), 1, false);
      List<JsonNode> images = new ArrayList<>();
      for (JsonNode img : image) {
        // [N][1][28][28]: one channel per image
        images.add(img.isArray() && img.size() == 1 && img.get(0).isArray() && img.get(0).size() == 28 ? img.get(0) : img);
      }
      if (images.size() > MAX_IMAGES_PER_REQUEST) {
        throw new IllegalArgumentException("at most " + MAX_IMAGES_PER_REQUEST + " images per request, got " + images.size());
      }
      return new Images(pixels(images), images.size(), true);
    }

    private static float[] pixels(List<JsonNode> images) {
      float[] out = new float[images.size() * 784];
      for (int n = 0; n < images.size(); n++) {
        JsonNode img = images.get(n);
        String which = images.size() == 1 ? "image" : "image " + n;
        if (!img.isArray() || img.size() != 28) {
          throw new IllegalArgumentException(which + " must have 28 rows, got " + (img.isArray() ? img.size() : img.getNodeType()));
        }
        for (int r = 0; r < 28; r++) {
          JsonNode row = img.get(r);
          if (!row.isArray() || row.size() != 28) {
            throw new IllegalArgumentException(which + ", row " + r + " must have 28 values, got "
                + (row.isArray() ? row.size() : row.getNodeType()));
          }
          for (int c = 0; c < 28; c++) {
            JsonNode v = row.get(c);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
              throw new IllegalArgumentException(which + "[" + r + "][" + c + "] must be a number, got " + v);
            }
            out[n * 784 + r * 28 + c] = (v.floatValue() - MnistNet.MEAN) / MnistNet.STD;
          }
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
