package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.Batch;
import dev.vserve.Deployment;
import dev.vserve.Get;
import dev.vserve.HttpException;
import dev.vserve.MultiplexedModels;
import dev.vserve.Post;
import dev.vserve.ReplicaContext;
import dev.vserve.Serve;
import dev.vserve.djl.DjlModel;
import dev.vserve.examples.mnist.MnistNet;
import dev.vserve.examples.mnist.MnistVariants;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model multiplexing (Ray's {@code @serve.multiplexed}) on MNIST: one pool of replicas serves several
 * variants of the classifier ({@link MnistVariants}: {@code mnist}, {@code mnist-fp16},
 * {@code mnist-int8}, {@code mnist-pruned}), each replica holding at most two. {@code POST /} with the
 * seed's {@code {"image": [[28 floats] x 28]}} and the header {@code serve_multiplexed_model_id: mnist-int8}
 * answers the label from that model, and says which replica ran it; requests for a model go to a
 * replica that holds it, and a batch holds one model's requests only. {@code GET /models}: the
 * models of the replica that answers, and how many loads it made.
 */
@Deployment(numReplicas = 2, maxOngoingRequests = 64)
public class MnistMultiplexed implements AutoCloseable {
  /** Models loaded by every replica of this JVM: what the benchmark counts. */
  public static final AtomicInteger LOADS_IN_JVM = new AtomicInteger();
  private final AtomicInteger loads = new AtomicInteger();
  private final MultiplexedModels<DjlModel> models = MultiplexedModels.of(2, id -> {
    if (!MnistVariants.IDS.contains(id)) throw new HttpException(404, "no model '" + id + "' (models: " + MnistVariants.IDS + ")");
    loads.incrementAndGet();
    LOADS_IN_JVM.incrementAndGet();
    return DjlModel.load(MnistVariants.ensure(MnistService.defaultModelDir(), id), "mnist", MnistNet.block())
        .splitBatchesOf(MnistService.FORWARD_BATCH);
  });

  @Post("/")
  @Batch(maxBatchSize = 64, batchWaitTimeoutMs = 10, batchSizeFn = MnistService.ImageCount.class)
  public List<Map<String, Object>> predict(List<MnistService.Images> requests) throws Exception {
    // one batch, one model: the one its requests named
    DjlModel model = models.get();
    int total = 0;
    for (MnistService.Images r : requests) total += r.count();
    float[] input = new float[total * 784];
    int at = 0;
    for (MnistService.Images r : requests) {
      System.arraycopy(r.pixels(), 0, input, at, r.pixels().length);
      at += r.pixels().length;
    }
    float[][] logits = model.predict(input, total, 1, 28, 28);
    List<Map<String, Object>> answers = new ArrayList<>(requests.size());
    int row = 0;
    for (MnistService.Images r : requests) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("model", MultiplexedModels.currentModelId());
      a.put("predicted_label", MnistService.argMax(logits[row]));
      a.put("replica", ReplicaContext.current().replicaId());
      a.put("batch", requests.size());
      answers.add(a);
      row += r.count();
    }
    return answers;
  }

  @Get("/models")
  public Map<String, Object> loaded() {
    return Map.of("replica", ReplicaContext.current().replicaId(), "models", List.copyOf(models.loaded()), "loads", loads.get());
  }

  @Override
  public void close() {
    models.close();
  }

  public static final Application app = Serve.deployment(MnistMultiplexed.class).bind();
}
