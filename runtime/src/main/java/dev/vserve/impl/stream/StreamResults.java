package dev.vserve.impl.stream;

import dev.vserve.StreamingResponse;

import java.util.Iterator;
import java.util.stream.Stream;

/** What a deployment method answers with to stream: an {@code Iterator}, a {@code Stream} or a {@link StreamingResponse}. */
public final class StreamResults {
  private StreamResults() {}

  public static boolean isStream(Object result) {
    return result instanceof Iterator<?> || result instanceof Stream<?> || result instanceof StreamingResponse;
  }

  /** Whether values of {@code type} are streams (a method's declared result, or a batched method's items). */
  public static boolean isStreamType(Class<?> type) {
    return Iterator.class.isAssignableFrom(type) || Stream.class.isAssignableFrom(type) || StreamingResponse.class.isAssignableFrom(type);
  }

  /** {@code result} as a streaming response; a bare iterator or stream gets {@code mediaType}. */
  public static StreamingResponse of(Object result, String mediaType) {
    return result instanceof StreamingResponse sr ? sr : new StreamingResponse(result, mediaType);
  }
}
