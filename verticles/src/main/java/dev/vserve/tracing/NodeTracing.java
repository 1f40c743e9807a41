package dev.vserve.tracing;

import dev.vserve.ServeOptions;
import dev.vserve.impl.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK of one node, when tracing is on: spans batched to an OTLP/HTTP collector
 * ({@code --tracing otlp}) or written to a file as OTLP JSON, one export per line
 * ({@code --tracing file}); sampled at a ratio, always following the caller's decision
 * (parent-based). One per node, not global: several nodes in one JVM keep their own.
 */
public final class NodeTracing implements AutoCloseable {
  private final SdkTracerProvider provider;
  private final Tracing tracing;

  private NodeTracing(SdkTracerProvider provider, Tracing tracing) {
    this.provider = provider;
    this.tracing = tracing;
  }

  public static NodeTracing start(ServeOptions options, String nodeId) {
    String mode = options.getTracing();
    if (mode == null || mode.equals("off")) return new NodeTracing(null, Tracing.OFF);
    SpanExporter exporter = switch (mode) {
      case "otlp" -> OtlpHttpSpanExporter.builder().setEndpoint(options.getTracingEndpoint()).build();
      case "file" -> {
        if (options.getTracingFile() == null) throw new IllegalArgumentException("tracing to a file needs the file (--tracing-file PATH)");
        yield new JsonLinesSpanExporter(Path.of(options.getTracingFile()));
      }
      default -> throw new IllegalArgumentException("tracing must be off, otlp or file, got '" + mode + "'");
    };
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), "vserve", AttributeKey.stringKey("vserve.node"), nodeId)));
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(options.getTracingSampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMillis(200)).build())
        .build();
    return new NodeTracing(provider, new Tracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), true));
  }

  public Tracing tracing() {
    return tracing;
  }

  /** Exports what is still batched, then stops. */
  @Override
  public void close() {
    if (provider != null) provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
