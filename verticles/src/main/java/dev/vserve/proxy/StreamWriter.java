package dev.vserve.proxy;

import dev.vserve.ServeException;
import dev.vserve.impl.Json;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.stream.ItemChannel;
import dev.vserve.impl.stream.StreamReply;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;

/**
 * Writes a replica's stream to an HTTP client, on the proxy's event loop: as Server-Sent Events
 * ({@code id:} the sequence number, {@code data:} the item, {@code event: error} with a JSON body if
 * the producer fails, {@code event: end} at the end) when the handler asked for
 * {@code text/event-stream} or the client accepts it, else as chunks. It takes items only while the
 * connection can take them, so a slow client slows the producer; a client that goes away cancels it.
 */
final class StreamWriter {
  private final HttpServerResponse out;
  private final ItemChannel channel;
  private final Context context;
  private final boolean sse;
  private final String requestId;
  private long seq;
  private final java.util.List<Object> batch = new java.util.ArrayList<>(MAX_ITEMS_PER_WRITE);
  private static final int MAX_ITEMS_PER_WRITE = 64;

  private StreamWriter(RoutingContext rc, String requestId, StreamReply reply) {
    this.out = rc.response();
    this.channel = reply.channel();
    this.context = rc.vertx().getOrCreateContext();
    String accept = rc.request().getHeader("accept");
    this.sse = (reply.mediaType() != null && reply.mediaType().startsWith("text/event-stream"))
        || (accept != null && accept.contains("text/event-stream"));
    this.requestId = requestId;
  }

  static void start(RoutingContext rc, String requestId, StreamReply reply) {
    new StreamWriter(rc, requestId, reply).begin(reply.mediaType());
  }

  private void begin(String mediaType) {
    out.setChunked(true).putHeader("x-request-id", requestId)
        .putHeader("content-type", sse ? "text/event-stream; charset=utf-8" : mediaType)
        .putHeader("cache-control", "no-cache");
    out.closeHandler(v -> channel.cancel());
    // headers go out now: the time to the first item is the producer's own
    out.writeHead();
    pump();
  }

  /** Runs on the event loop: writes what is there until the connection is full or nothing is left. */
  private void pump() {
    if (out.closed() || out.ended()) {
      channel.cancel();
      return;
    }
    while (!out.writeQueueFull()) {
      batch.clear();
      if (channel.drainTo(batch, MAX_ITEMS_PER_WRITE, this::wake) == 0) {
        if (channel.isDone()) finish();
        return;
      }
      // the items waiting now go out as one write: one chunk, one syscall, instead of one per item
      Buffer chunk = Buffer.buffer(batch.size() * 48);
      for (Object item : batch) format(item, chunk);
      out.write(chunk);
    }
    out.drainHandler(v -> pump());
  }

  /** Called by the producer's thread when an item or the end arrives (the channel wakes once per wait). */
  private void wake() {
    context.runOnContext(v -> pump());
  }

  private void finish() {
    Throwable error = channel.error();
    if (!sse) {
      out.end();
      return;
    }
    if (error != null) {
      ServeException e = Failures.toServeException(error);
      out.write("event: error\ndata: " + new String(ProxyVerticle.errorBody(requestId, e.errorType(), e.getMessage()),
          StandardCharsets.UTF_8) + "\n\n");
    }
    out.end("event: end\ndata: \n\n");
  }

  private void format(Object item, Buffer into) {
    if (item instanceof String text) {
      if (!sse) {
        into.appendString(text);
        return;
      }
      into.appendString("id: ").appendString(Long.toString(seq++)).appendByte((byte) '\n');
      for (String line : text.split("\n", -1)) into.appendString("data: ").appendString(line).appendByte((byte) '\n');
      into.appendByte((byte) '\n');
      return;
    }
    // compact JSON has no raw newline: one data line
    byte[] json = Json.encode(item);
    if (sse) into.appendString("id: ").appendString(Long.toString(seq++)).appendString("\ndata: ");
    into.appendBytes(json).appendByte((byte) '\n');
    if (sse) into.appendByte((byte) '\n');
  }
}
