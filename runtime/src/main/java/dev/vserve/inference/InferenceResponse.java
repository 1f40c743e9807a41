package dev.vserve.inference;

import java.util.List;

/** What a deployment's {@code infer} answers: its outputs (the proxy fills in the model name and id). */
public record InferenceResponse(List<Tensor> outputs) {}
