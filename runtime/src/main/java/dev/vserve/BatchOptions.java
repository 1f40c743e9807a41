package dev.vserve;

/**
 * Overrides of a method's {@link Batch} settings for one deployment, set with
 * {@code .options(c -> c.setBatchOptions("predict", new BatchOptions().setMaxBatchSize(64)))}. Unset
 * values keep the annotation's.
 */
public final class BatchOptions {
  private Integer maxBatchSize;
  private Long batchWaitTimeoutMs;
  private Integer maxConcurrentBatches;

  public Integer getMaxBatchSize() { return maxBatchSize; }
  public BatchOptions setMaxBatchSize(int v) { maxBatchSize = v; return this; }
  public Long getBatchWaitTimeoutMs() { return batchWaitTimeoutMs; }
  public BatchOptions setBatchWaitTimeoutMs(long v) { batchWaitTimeoutMs = v; return this; }
  public Integer getMaxConcurrentBatches() { return maxConcurrentBatches; }
  public BatchOptions setMaxConcurrentBatches(int v) { maxConcurrentBatches = v; return this; }

  /** The settings in force: these overrides over the annotation. */
  public static Settings resolve(Batch spec, BatchOptions o) {
    return resolve(new Settings(spec.maxBatchSize(), spec.batchWaitTimeoutMs(), spec.maxConcurrentBatches(),
        spec.batchSizeFn()), o);
  }

  /** The settings in force: these overrides over {@code declared} (a Python decorator's, say). */
  public static Settings resolve(Settings declared, BatchOptions o) {
    return new Settings(
        o != null && o.maxBatchSize != null ? o.maxBatchSize : declared.maxBatchSize(),
        o != null && o.batchWaitTimeoutMs != null ? o.batchWaitTimeoutMs : declared.batchWaitTimeoutMs(),
        o != null && o.maxConcurrentBatches != null ? o.maxConcurrentBatches : declared.maxConcurrentBatches(),
        declared.batchSizeFn());
  }

  public record Settings(int maxBatchSize, long batchWaitTimeoutMs, int maxConcurrentBatches,
                         Class<? extends Batch.SizeFunction> batchSizeFn) {}
}
