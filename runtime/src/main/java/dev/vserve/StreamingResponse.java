package dev.vserve;

import java.util.Iterator;
import java.util.stream.Stream;

/**
 * A response sent item by item, Starlette's {@code StreamingResponse}: return it (or an
 * {@code Iterator}/{@code Stream} directly) from an ingress method. With media type
 * {@code text/event-stream}, or when the client accepts it, each item is one Server-Sent Event;
 * otherwise items are written as chunks (strings as they are, other values as JSON lines). The
 * producer runs on the replica's thread and blocks while the client is slow; a client that goes
 * away stops it (the iterator's or stream's {@code close()} is called).
 */
public record StreamingResponse(Object source, String mediaType) {
  public StreamingResponse {
    if (!(source instanceof Iterator<?>) && !(source instanceof Stream<?>)) {
      throw new IllegalArgumentException("a StreamingResponse needs an Iterator or a Stream, got "
          + (source == null ? "null" : source.getClass().getName()));
    }
  }

  public static StreamingResponse of(Iterator<?> items, String mediaType) {
    return new StreamingResponse(items, mediaType);
  }

  public static StreamingResponse of(Stream<?> items, String mediaType) {
    return new StreamingResponse(items, mediaType);
  }
}
