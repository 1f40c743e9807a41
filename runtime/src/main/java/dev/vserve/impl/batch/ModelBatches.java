package dev.vserve.impl.batch;

import dev.vserve.impl.replica.CurrentModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One batched method's queues, one per multiplexed model (and one for calls that name none): a batch
 * holds calls for one model only, and runs with that model as the current one.
 */
public final class ModelBatches {
  private final Function<String, BatchQueue> create;
  private final Map<String, BatchQueue> byModel = new ConcurrentHashMap<>();

  /** {@code create} makes the queue of one model id ("" for none); see {@link #runAs}. */
  public ModelBatches(Function<String, BatchQueue> create) {
    this.create = create;
  }

  /** The queue of the current call's model. */
  public BatchQueue current() {
    return of(CurrentModel.get());
  }

  /** The queue of {@code modelId} (null or empty: calls that name no model). */
  public BatchQueue of(String modelId) {
    return byModel.computeIfAbsent(modelId == null ? "" : modelId, create);
  }

  /** A batch function that runs with {@code modelId} as the current model, as its calls named it. */
  public static BatchQueue.BatchFunction runAs(String modelId, BatchQueue.BatchFunction batch) {
    return items -> {
      CurrentModel.enter(modelId);
      try {
        return batch.apply(items);
      } finally {
        CurrentModel.exit();
      }
    };
  }

  public void close() {
    byModel.values().forEach(BatchQueue::close);
  }
}
