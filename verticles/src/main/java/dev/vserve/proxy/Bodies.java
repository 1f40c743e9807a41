package dev.vserve.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;

import static dev.vserve.proxy.ProxyVerticle.requestId;
import static dev.vserve.proxy.ProxyVerticle.writeError;

/**
 * Request bodies as bytes, read with as few copies as the body allows: most arrive in one chunk,
 * which is kept as Vert.x hands it over (its own copy, off Netty's pooled buffers); only a body in
 * several chunks is gathered, into a buffer of its declared length.
 */
final class Bodies {
  private Bodies() {}

  /**
   * The request body as bytes, whatever its content type: BodyHandler would decode form types (which
   * curl -d sends JSON as) and fail them; the ingress reads the bytes itself. Larger than
   * {@code max}: 413 at once, from Content-Length when the client sent one.
   */
  static void read(RoutingContext rc, long max, Handler<Buffer> then) {
    HttpServerRequest req = rc.request();
    String declared = req.getHeader("content-length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        writeError(rc.response(), requestId(req), 400, "BadRequest", "malformed Content-Length: " + declared);
        return;
      }
      if (length > max) {
        tooLarge(rc, max);
        return;
      }
    }
    int expected = (int) Math.max(0, length);
    Gathered body = new Gathered();
    req.handler(chunk -> {
      if (body.failed) return;
      if (body.length() + chunk.length() > max) {
        body.failed = true;
        tooLarge(rc, max);
        return;
      }
      body.add(chunk, expected);
    });
    req.exceptionHandler(t -> body.failed = true);
    req.endHandler(v -> {
      if (!body.failed) then.handle(body.bytes == null ? Buffer.buffer() : body.bytes);
    });
    req.resume();
  }

  /** A heap view of {@code body} where it lies (array, offset and length), copied only if it is off-heap. */
  static ByteBuffer heapView(Buffer body) {
    if (body instanceof BufferInternal b) {
      io.netty.buffer.ByteBuf buf = b.getByteBuf();
      if (buf.hasArray()) return ByteBuffer.wrap(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
    }
    return ByteBuffer.wrap(body.getBytes());
  }

  /**
   * The body's bytes as an array of their own: the array {@code body} lies in when it holds exactly
   * the body (a one-chunk body as Vert.x hands it over, or one gathered to its declared length), a
   * copy otherwise. The body is read once; nothing else writes to that array.
   */
  static byte[] bytes(Buffer body) {
    ByteBuffer view = heapView(body);
    byte[] array = view.array();
    return view.position() == 0 && view.remaining() == array.length ? array : body.getBytes();
  }

  private static void tooLarge(RoutingContext rc, long max) {
    if (!rc.response().ended()) {
      writeError(rc.response(), requestId(rc.request()), 413, "PayloadTooLarge", "request body larger than " + max + " bytes");
    }
  }

  /** The chunks so far: the first as it came, or all of them gathered once a second one arrives. */
  private static final class Gathered {
    Buffer bytes;
    boolean gathering;
    boolean failed;

    int length() {
      return bytes == null ? 0 : bytes.length();
    }

    void add(Buffer chunk, int expected) {
      if (bytes == null) {
        bytes = chunk;
        return;
      }
      if (!gathering) {
        Buffer all = Buffer.buffer(Math.max(expected, bytes.length() + chunk.length()));
        all.appendBuffer(bytes);
        bytes = all;
        gathering = true;
      }
      bytes.appendBuffer(chunk);
    }
  }
}
