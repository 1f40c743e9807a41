package dev.vserve.impl.stream;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.vserve.ServeException;
import dev.vserve.impl.Json;
import dev.vserve.impl.call.Failures;
import dev.vserve.impl.call.ServeCodec;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stream between nodes, as a chain of event-bus request-replies on the call's own message (no
 * address is registered in the cluster): the replica answers the call with {@link Start}; the caller
 * answers that with a credit (how many items it can take); the replica answers the credit with a
 * {@link Batch} of at most that many items, and so on until a batch that ends the stream. The caller
 * asks only for what its local channel can hold, so a slow client slows the producer on the other
 * node; a caller that goes away answers with a cancel, which stops the producer.
 */
public final class RemoteStreams {
  private static final int CREDIT = 64;
  private static final String CANCEL = "cancel";

  private RemoteStreams() {}

  /** The replica's first answer to a streaming call from another node. */
  public record Start(String mediaType) {
    static final String KEY = "@vserve.stream";

    @JsonValue
    Map<String, String> json() {
      return Map.of(KEY, mediaType == null ? "" : mediaType);
    }

    /** The start an answer stands for after a trip through JSON, or null. */
    public static Start revive(Object value) {
      if (value instanceof Start s) return s;
      if (value instanceof Map<?, ?> m && m.size() == 1 && m.get(KEY) instanceof String type) {
        return new Start(type.isEmpty() ? null : type);
      }
      return null;
    }
  }

  /** Items, and whether (and how) the stream ended after them. */
  public record Batch(List<Object> items, boolean end, String errorType, String errorMessage) {}

  /**
   * Replica side, on a thread that may block: forwards {@code local} (filled by the producer) to the
   * caller that sent {@code call}, as fast as the caller's credits allow.
   */
  public static void serve(Message<Object> call, StreamReply local, long exchangeTimeoutMs) {
    DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(exchangeTimeoutMs);
    ItemChannel channel = local.channel();
    try {
      Message<Object> credit = await(call.replyAndRequest(new Start(local.mediaType()), opts).toCompletionStage().toCompletableFuture(),
          exchangeTimeoutMs);
      while (true) {
        if (!(credit.body() instanceof Number n)) {
          channel.cancel();  // the caller went away
          return;
        }
        List<Object> items = new ArrayList<>();
        int got = channel.take(items, Math.max(1, n.intValue()));
        if (got == 0) {
          Throwable error = channel.error();
          ServeException e = error == null ? null : Failures.toServeException(error);
          credit.reply(new Batch(items, true, e == null ? null : e.errorType(), e == null ? null : e.getMessage()), opts);
          return;
        }
        credit = await(credit.replyAndRequest(new Batch(items, false, null, null), opts).toCompletionStage().toCompletableFuture(),
            exchangeTimeoutMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.cancel();
    } catch (RuntimeException e) {
      channel.cancel();  // no answer from the caller: its node is gone, or it stopped reading
    }
  }

  /** Caller side: a stream fed from the replica that answered {@code start}, read through its channel. */
  public static final class Receiver {
    private final ItemChannel channel = new ItemChannel(CREDIT);
    private final String nodeId;
    private volatile CompletableFuture<Message<Object>> pending;
    private volatile boolean lost;

    private Receiver(String nodeId) {
      this.nodeId = nodeId;
    }

    /**
     * Starts forwarding on a virtual thread, listed in {@code active} while it runs; the reply handed
     * to the proxy or the handle is local.
     */
    public static Receiver start(Message<Object> start, String nodeId, long exchangeTimeoutMs, java.util.Set<Receiver> active) {
      Receiver r = new Receiver(nodeId);
      active.add(r);
      Thread.ofVirtual().name("vserve-stream-in").start(() -> {
        try {
          r.run(start, exchangeTimeoutMs);
        } finally {
          active.remove(r);
        }
      });
      return r;
    }

    public StreamReply reply(String mediaType) {
      return new StreamReply(channel, mediaType);
    }

    public String nodeId() {
      return nodeId;
    }

    /** The replica's node left the cluster: the stream ends with an error now, not at a timeout. */
    public void nodeLost() {
      lost = true;
      CompletableFuture<Message<Object>> p = pending;
      if (p != null) p.completeExceptionally(nodeLostError());
    }

    private static ServeException nodeLostError() {
      return new ServeException(503, "NodeLost", "the node producing the stream left the cluster");
    }

    private void run(Message<Object> start, long timeoutMs) {
      DeliveryOptions opts = new DeliveryOptions().setCodecName(ServeCodec.NAME).setSendTimeout(timeoutMs);
      Message<Object> last = start;
      try {
        while (true) {
          CompletableFuture<Message<Object>> next = new CompletableFuture<>();
          pending = next;
          // lost between two exchanges: nodeLost() completed the previous one, or none
          if (lost) next.completeExceptionally(nodeLostError());
          last.replyAndRequest(CREDIT, opts).onComplete(ar -> {
            if (ar.succeeded()) next.complete(ar.result());
            else next.completeExceptionally(ar.cause());
          });
          Message<Object> m = await(next, timeoutMs + 1000);
          last = m;
          Batch b = Json.convert(m.body(), Batch.class);
          for (Object item : b.items()) channel.put(item);
          if (b.end()) {
            channel.finish(b.errorType() == null ? null : new ServeException(500, b.errorType(), b.errorMessage()));
            return;
          }
        }
      } catch (ItemChannel.Cancelled gone) {
        last.reply(CANCEL, opts);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.finish(e);
      } catch (RuntimeException e) {
        channel.finish(e instanceof ServeException ? e : new ServeException(503, "StreamLost", "the stream from another node broke: " + e.getMessage()));
      }
    }
  }

  private static <T> T await(CompletableFuture<T> f, long timeoutMs) throws InterruptedException {
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new ServeException(504, "Timeout", "no answer from the other end of the stream in " + timeoutMs + " ms");
    }
  }
}
