package dev.vserve.replica;

import dev.vserve.StreamingResponse;
import dev.vserve.impl.stream.ItemChannel;
import dev.vserve.impl.stream.StreamReply;

import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a streaming result on the replica's thread: answers the call with a channel at once, then
 * feeds the source's items into it as fast as the caller takes them, and stops when the caller goes
 * away. The source is closed and the channel finished whatever happens.
 */
final class StreamProducer {
  private static final System.Logger LOG = System.getLogger(StreamProducer.class.getName());

  /** Told of each item sent: whether it is the first, and System.nanoTime() when it went. */
  @FunctionalInterface
  interface ItemSent {
    void sent(boolean first, long nanoTime);
  }

  private StreamProducer() {}

  static void produce(StreamingResponse stream, int buffer, BiConsumer<Object, Throwable> answer, ItemSent sent,
                      Consumer<Throwable> failed) {
    ItemChannel channel = new ItemChannel(buffer);
    Throwable failure = null;
    try {
      // inside the try: whatever the caller's listeners do, the channel is finished
      answer.accept(new StreamReply(channel, stream.mediaType()), null);
      Iterator<?> items = stream.source() instanceof Stream<?> s ? s.iterator() : (Iterator<?>) stream.source();
      boolean first = true;
      while (items.hasNext()) {
        channel.put(items.next());
        sent.sent(first, System.nanoTime());
        first = false;
      }
    } catch (ItemChannel.Cancelled | InterruptedException gone) {
      // the client went away: stop producing
    } catch (Throwable t) {
      failure = t;
      failed.accept(t);
    } finally {
      close(stream.source());
      channel.finish(failure);
    }
  }

  private static void close(Object source) {
    try {
      if (source instanceof AutoCloseable c) c.close();
    } catch (Exception e) {
      LOG.log(Level.DEBUG, "closing a stream failed", e);
    }
  }
}
