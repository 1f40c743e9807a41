package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.BadRequestException;
import dev.vserve.Deployment;
import dev.vserve.Serve;
import dev.vserve.djl.DjlModel;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.examples.mnist.MnistNet;
import dev.vserve.tasks.TaskConsumer;
import dev.vserve.tasks.TaskHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asynchronous inference (Ray's {@code @task_consumer}): a slow MNIST batch job over many images. A
 * client queues {@code classify(first, count)} over HTTP ({@code POST /-/tasks/mnist-jobs} with
 * {@code {"task_name": "classify", "args": [8000, 500]}}), gets a task id at once, and polls
 * {@code GET /-/tasks/<id>} for the labels and the accuracy of that range of the bundled test set.
 */
@Deployment(numReplicas = 2, maxOngoingRequests = 2)
@TaskConsumer(queue = "mnist-jobs", maxRetries = 2, failedTaskQueue = "mnist-jobs-failed")
public class MnistJobs implements AutoCloseable {
  /** Images per job at most: a job is long, not unbounded. */
  static final int MAX_IMAGES = 2_000;

  private final DjlModel model;
  private final MnistData data;

  public MnistJobs() {
    model = DjlModel.load(MnistService.defaultModelDir(), "mnist", MnistNet.block()).splitBatchesOf(MnistService.FORWARD_BATCH);
    try {
      data = MnistData.load();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Labels of images {@code first .. first+count-1}, and how many of them match the data set's labels. */
  @TaskHandler("classify")
  public Map<String, Object> classify(int first, int count) {
    if (first < 0 || count < 1 || count > MAX_IMAGES || first + count > data.count()) {
      // not worth a retry: it goes to the dead-letter queue at once
      throw new BadRequestException("images " + first + ".." + (first + count - 1) + " are not within 0.." + (data.count() - 1)
          + " (at most " + MAX_IMAGES + " per job)");
    }
    float[] input = new float[count * MnistData.PIXELS];
    for (int i = 0; i < input.length; i++) input[i] = (data.pixels[first * MnistData.PIXELS + i] & 0xff) / 255f;
    float[][] logits = model.predict(input, count, 1, 28, 28);
    List<Integer> labels = new ArrayList<>(count);
    int correct = 0;
    for (int k = 0; k < count; k++) {
      int label = MnistService.argMax(logits[k]);
      labels.add(label);
      if (label == data.label(first + k)) correct++;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("first", first);
    out.put("count", count);
    out.put("accuracy", correct / (double) count);
    out.put("labels", labels);
    return out;
  }

  @Override
  public void close() {
    model.close();
  }

  public static final Application app = Serve.deployment(MnistJobs.class).bind();
}
