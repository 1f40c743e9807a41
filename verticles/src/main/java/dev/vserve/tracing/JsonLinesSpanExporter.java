package dev.vserve.tracing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vserve.impl.Json;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/**
 * Spans to a file as OTLP JSON lines (the protocol's JSON encoding: hex ids, nanosecond times as
 * strings), one {@code {"resourceSpans": [...]}} per span: for debugging and for tests, which read
 * the trace back. Appends; the file is created if missing.
 */
final class JsonLinesSpanExporter implements SpanExporter {
  private final Writer out;

  JsonLinesSpanExporter(Path file) {
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write traces to " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    try {
      for (SpanData s : spans) {
        out.write(line(s));
        out.write('\n');
      }
      out.flush();
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      return CompletableResultCode.ofFailure();
    }
  }

  private static String line(SpanData s) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode rs = root.putArray("resourceSpans").addObject();
    rs.putObject("resource").set("attributes", attributes(s.getResource().getAttributes()));
    ObjectNode scope = rs.putArray("scopeSpans").addObject();
    scope.putObject("scope").put("name", s.getInstrumentationScopeInfo().getName());
    ObjectNode span = scope.putArray("spans").addObject();
    span.put("traceId", s.getTraceId());
    span.put("spanId", s.getSpanId());
    if (s.getParentSpanContext().isValid()) span.put("parentSpanId", s.getParentSpanId());
    span.put("name", s.getName());
    span.put("kind", s.getKind().ordinal() + 1);
    span.put("startTimeUnixNano", Long.toString(s.getStartEpochNanos()));
    span.put("endTimeUnixNano", Long.toString(s.getEndEpochNanos()));
    span.set("attributes", attributes(s.getAttributes()));
    span.putObject("status").put("code", switch (s.getStatus().getStatusCode()) {
      case UNSET -> 0;
      case OK -> 1;
      case ERROR -> 2;
    });
    return root.toString();
  }

  private static ArrayNode attributes(Attributes attrs) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    attrs.forEach((k, v) -> {
      ObjectNode a = list.addObject();
      a.put("key", k.getKey());
      ObjectNode value = a.putObject("value");
      if (v instanceof Long l) value.put("intValue", Long.toString(l));
      else if (v instanceof Boolean b) value.put("boolValue", b);
      else if (v instanceof Double d) value.put("doubleValue", d);
      else value.put("stringValue", String.valueOf(v));
    });
    return list;
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public synchronized CompletableResultCode shutdown() {
    try {
      out.close();
    } catch (IOException e) {
      return CompletableResultCode.ofFailure();
    }
    return CompletableResultCode.ofSuccess();
  }
}
