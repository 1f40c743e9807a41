package dev.vserve.inference;

/**
 * An application's ingress that speaks the Open Inference Protocol (KServe v2) at
 * {@code /v2/models/{application}/...}: it tells its {@link #metadata()}, and answers requests with a
 * public method {@code InferenceResponse infer(InferenceRequest)}, or a batched
 * {@code @Batch List<InferenceResponse> infer(List<InferenceRequest>)}: requests reach it through the
 * same router, admission and batching as any call.
 */
public interface InferenceModel {
  ModelMetadata metadata();
}
