package dev.vserve;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/**
 * Dynamic request batching, Ray Serve's {@code @serve.batch}. The method takes a {@code List<T>} and
 * returns a {@code List<R>} of the same length (or a future of one); callers call it with one
 * {@code T} (through a handle, or as the body of an HTTP route) and get one {@code R}. Calls are
 * collected per replica and method; a batch runs when it is full or when its oldest call has waited
 * {@link #batchWaitTimeoutMs}. Set the deployment's {@code maxOngoingRequests} at least to
 * {@code maxBatchSize}, or batches can never fill.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Batch {
  int maxBatchSize() default 10;

  /** Ray Serve's {@code batch_wait_timeout_s} of 0.01, in milliseconds. */
  long batchWaitTimeoutMs() default 10;

  /** Batches of this method that may run at once on one replica. */
  int maxConcurrentBatches() default 1;

  /** How a batch is measured against {@link #maxBatchSize} (default: its number of calls). */
  Class<? extends SizeFunction> batchSizeFn() default SizeFunction.Count.class;

  /**
   * Measures calls in your own unit, e.g. tokens or images; needs a public no-argument constructor.
   * Each call is measured alone (a list of one) when it arrives, and a batch's size is the sum of
   * its calls' sizes, as with Python's {@code batch_size_fn}; a call it cannot measure fails alone.
   */
  interface SizeFunction {
    int size(List<?> items);

    final class Count implements SizeFunction {
      @Override
      public int size(List<?> items) {
        return items.size();
      }
    }
  }
}
