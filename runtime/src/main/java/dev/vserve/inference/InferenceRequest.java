package dev.vserve.inference;

import java.util.List;
import java.util.Map;

/**
 * An Open Inference Protocol request as a deployment's {@code infer} method receives it: the inputs,
 * validated by the proxy (known datatypes, shapes that match the data), the request id, the
 * parameters, and the outputs the client asked for (empty: all).
 */
public record InferenceRequest(String id, List<Tensor> inputs, Map<String, Object> parameters, List<String> outputs) {
  public InferenceRequest {
    parameters = parameters == null ? Map.of() : parameters;
    outputs = outputs == null ? List.of() : outputs;
  }

  /** The input named {@code name}; a missing one is the client's error (400). */
  public Tensor input(String name) {
    for (Tensor t : inputs) if (t.name().equals(name)) return t;
    throw new dev.vserve.BadRequestException("the request has no input '" + name + "' (it has "
        + inputs.stream().map(Tensor::name).toList() + ")");
  }
}
