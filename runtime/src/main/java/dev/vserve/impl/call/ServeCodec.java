package dev.vserve.impl.call;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vserve.Request;
import dev.vserve.impl.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The codec of every vserve message. Local delivery passes the object itself (no copy); on the wire
 * it is a small versioned JSON envelope: {@code {"v":1,"t":"call"|"value","d":...}}. Receivers
 * convert values to the types they expect, so no class names travel.
 */
public final class ServeCodec implements MessageCodec<Object, Object> {
  public static final String NAME = "vserve";
  static final int VERSION = 1;

  /** One pass: the envelope's fields are written around the value, never built as a tree. */
  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("t", o instanceof Call ? "call" : "value");
      g.writeFieldName("d");
      Json.MAPPER.writeValue(g, o);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buffer.appendInt(out.size()).appendBytes(out.toByteArray());
  }

  /** One pass: "v" and "t" come before "d" (the encoder writes them so), so the value is read straight into its type. */
  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    int len = buffer.getInt(pos);
    byte[] bytes = buffer.getBytes(pos + 4, pos + 4 + len);
    try (JsonParser p = Json.MAPPER.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalStateException("not a vserve message");
      int v = -1;
      String t = null;
      Object value = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "v" -> v = p.getIntValue();
          case "t" -> t = p.getText();
          case "d" -> {
            checkVersion(v);
            value = "call".equals(t) ? readCall(p) : Json.MAPPER.readValue(p, Object.class);
          }
          default -> p.skipChildren();
        }
      }
      checkVersion(v);
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkVersion(int v) {
    if (v != VERSION) throw new IllegalStateException("vserve message version " + v + ", this node speaks " + VERSION);
  }

  /**
   * A call, with an HTTP call's request read straight into a {@link Request} ("kind" precedes
   * "args" as the record declares them) instead of a map converted again by the replica.
   */
  private static Call readCall(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) throw new IllegalStateException("a call must be a JSON object");
    Call.Kind kind = Call.Kind.METHOD;
    String requestId = null;
    String method = null;
    Object[] args = new Object[0];
    String model = null;
    long deadline = 0;
    String caller = null;
    boolean idempotent = false;
    String traceparent = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "kind" -> kind = Call.Kind.valueOf(p.getValueAsString());
        case "requestId" -> requestId = p.getValueAsString();
        case "method" -> method = p.getValueAsString();
        case "args" -> args = value == JsonToken.VALUE_NULL ? new Object[0]
            : kind == Call.Kind.HTTP ? Json.MAPPER.readValue(p, Request[].class) : Json.MAPPER.readValue(p, Object[].class);
        case "multiplexedModelId" -> model = p.getValueAsString();
        case "deadlineMs" -> deadline = p.getValueAsLong();
        case "callerNode" -> caller = p.getValueAsString();
        case "idempotent" -> idempotent = p.getValueAsBoolean();
        case "traceparent" -> traceparent = p.getValueAsString();
        default -> p.skipChildren();
      }
    }
    return new Call(kind, requestId, method, args, model, deadline, caller, idempotent, traceparent);
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
