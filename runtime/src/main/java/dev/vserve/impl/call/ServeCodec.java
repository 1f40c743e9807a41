package dev.vserve.impl.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vserve.impl.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

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

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    ObjectNode env = Json.MAPPER.createObjectNode();
    env.put("v", VERSION);
    env.put("t", o instanceof Call ? "call" : "value");
    env.set("d", Json.MAPPER.valueToTree(o));
    byte[] bytes = Json.encode(env);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    int len = buffer.getInt(pos);
    byte[] bytes = buffer.getBytes(pos + 4, pos + 4 + len);
    try {
      JsonNode env = Json.MAPPER.readTree(bytes);
      int v = env.path("v").asInt(-1);
      if (v != VERSION) throw new IllegalStateException("vserve message version " + v + ", this node speaks " + VERSION);
      JsonNode d = env.get("d");
      if ("call".equals(env.path("t").asText())) return Json.MAPPER.treeToValue(d, Call.class);
      return Json.MAPPER.treeToValue(d, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
