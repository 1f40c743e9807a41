package dev.vserve.python.impl;

import org.graalvm.polyglot.Value;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;

/**
 * A Python generator (or async generator) as the Java iterator a streaming response drains: each
 * {@code next} runs the generator one step on the replica's thread; the replica's producer thread
 * waits, and so credits from the client pace the generator. {@code close} stops it
 * ({@code GeneratorExit} in Python).
 */
final class PyItems implements Iterator<Object>, AutoCloseable {
  private final ReplicaThread thread;
  private final Value items;
  private final String what;
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
    Reply reply = new Reply(what);
    if (!thread.post(() -> items.invokeMember("next", reply))) throw new IllegalStateException("the replica stopped");
    try {
      next = reply.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      done = true;
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    if (next == Reply.END) {
      done = true;
      next = null;
      return false;
    }
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

  @Override
  public void close() {
    done = true;
    thread.post(() -> items.invokeMember("close"));
  }
}
