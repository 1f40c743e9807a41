package dev.vserve.inference;

import java.util.List;

/**
 * What {@code GET /v2/models/{name}} answers: the platform and the tensors a model takes and gives
 * ({@code -1} in a shape: any size, e.g. the batch). A deployment serves the protocol by implementing
 * {@link InferenceModel}.
 */
public record ModelMetadata(String platform, List<TensorSpec> inputs, List<TensorSpec> outputs) {
  public record TensorSpec(String name, String datatype, long[] shape) {}
}
