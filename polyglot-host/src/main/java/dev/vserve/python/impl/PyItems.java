package dev.vserve.python.impl;

import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Python generator (or async generator) as the Java iterator a streaming response drains. The
 * generator runs ahead of its reader by at most {@link #AHEAD} items, filled on the replica's Python
 * thread in steps of at most {@link #STEP_NANOS} (a fast generator hands over many items per thread
 * hop; a slow one still one at a time, so the first token is never held back and other requests of
 * the replica take turns). The reader's pace (the client's credits) stops the filling when the
 * buffer is full. {@code close} stops the generator ({@code GeneratorExit} in Python).
 */
public final class PyItems implements Iterator<Object>, AutoCloseable, Outcome {
  static final int AHEAD = 64;
  static final long STEP_NANOS = 1_000_000;
  private static final Object NULL = new Object();
  private static final Object END = new Object();

  private record Failure(Throwable error) {}

  private final ReplicaThread thread;
  private final Value items;
  private final String what;
  private final ArrayBlockingQueue<Object> buffer = new ArrayBlockingQueue<>(AHEAD + 1);
  private final AtomicBoolean filling = new AtomicBoolean();
  private volatile boolean ended;
  private volatile boolean closed;
  private Object next;
  private boolean buffered;
  private boolean done;

  PyItems(ReplicaThread thread, Value items, String what) {
    this.thread = thread;
    this.items = items;
    this.what = what;
  }

  @Override
  public boolean hasNext() {
    if (done) return false;
    if (buffered) return true;
    if (buffer.isEmpty()) fill();
    Object o;
    try {
      o = buffer.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (o == END) {
      done = true;
      return false;
    }
    if (o instanceof Failure f) {
      done = true;
      throw f.error instanceof RuntimeException r ? r : new IllegalStateException(f.error);
    }
    if (buffer.size() <= AHEAD / 2) fill();
    next = o == NULL ? null : o;
    buffered = true;
    return true;
  }

  @Override
  public Object next() {
    if (!hasNext()) throw new NoSuchElementException();
    Object out = next;
    next = null;
    buffered = false;
    return out;
  }

  /**
   * Asks the Python thread for more items, unless it is already at it or the stream is over. Called
   * once as the stream is returned, so the first item is on its way before the reader asks.
   */
  void fill() {
    if (ended || closed || !filling.compareAndSet(false, true)) return;
    if (!thread.post(() -> HostBridge.guarded(this, () -> items.invokeMember("fill", this, STEP_NANOS)))) {
      ended = true;
      buffer.offer(new Failure(new IllegalStateException("the replica stopped")));
    }
  }

  // --- what the Python side calls while filling ---------------------------------------------------

  /** One item; false once the buffer is full (the filling stops). */
  @HostAccess.Export
  public boolean push(Value item) {
    if (closed) return false;
    Object o = PyValues.toJava(item);
    buffer.offer(o == null ? NULL : o);
    return buffer.size() < AHEAD;
  }

  @HostAccess.Export
  public void end() {
    ended = true;
    buffer.offer(END);
  }

  @HostAccess.Export
  public void fail(Value exception, int status, String type, String message, String where, String trace) {
    abort(Reply.failure(what, exception, status, type, message, where, trace));
  }

  @Override
  public void abort(Throwable failure) {
    ended = true;
    buffer.offer(new Failure(failure));
  }

  /** A fill step is over: go on while there is room (the reader may be waiting for it). */
  @HostAccess.Export
  public void filled() {
    filling.set(false);
    if (buffer.size() < AHEAD) fill();
  }

  @Override
  public void close() {
    done = true;
    closed = true;
    thread.post(() -> items.invokeMember("close"));
  }
}
