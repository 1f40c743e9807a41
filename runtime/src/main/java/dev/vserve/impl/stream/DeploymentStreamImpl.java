package dev.vserve.impl.stream;

import dev.vserve.DeploymentException;
import dev.vserve.DeploymentStream;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.LockSupport;

/** A {@link DeploymentStream} fed by the call's {@link ItemChannel}, delivered on the caller's context. */
public final class DeploymentStreamImpl implements DeploymentStream {
  private final ItemChannel channel;
  private final Context context;
  private Handler<Object> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean scheduled;
  private boolean finished;

  public DeploymentStreamImpl(ItemChannel channel, Context context) {
    this.channel = channel;
    this.context = context;
  }

  @Override
  public void cancel() {
    channel.cancel();
  }

  @Override
  public synchronized DeploymentStream handler(Handler<Object> h) {
    handler = h;
    if (h != null) schedule();
    return this;
  }

  @Override
  public synchronized DeploymentStream exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public synchronized DeploymentStream endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }

  @Override
  public synchronized DeploymentStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public synchronized DeploymentStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public synchronized DeploymentStream fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    schedule();
    return this;
  }

  private synchronized void schedule() {
    if (scheduled || handler == null) return;
    scheduled = true;
    context.runOnContext(v -> deliver());
  }

  /** On the context: hands over what is there while there is demand. */
  private void deliver() {
    while (true) {
      Handler<Object> h;
      Object item;
      synchronized (this) {
        scheduled = false;
        if (finished || handler == null || demand == 0) return;
        item = channel.poll(this::schedule);
        if (item == null) {
          if (!channel.isDone()) return;
          finished = true;
        } else if (demand != Long.MAX_VALUE) {
          demand--;
        }
        h = handler;
      }
      if (item != null) {
        h.handle(item);
        continue;
      }
      Throwable error = channel.error();
      Handler<Throwable> onError;
      Handler<Void> onEnd;
      synchronized (this) {
        onError = exceptionHandler;
        onEnd = endHandler;
      }
      if (error != null && onError != null) onError.handle(error);
      else if (onEnd != null) onEnd.handle(null);
      return;
    }
  }

  /** Blocks for each next item; not on an event loop. A producer failure is thrown from next(). */
  @Override
  public Iterator<Object> iterator() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("a blocking iterator on an event loop would stall it; use handler()");
    }
    return new Iterator<>() {
      private Object next;

      @Override
      public boolean hasNext() {
        if (next != null) return true;
        Thread self = Thread.currentThread();
        while (true) {
          Object item = channel.poll(() -> LockSupport.unpark(self));
          if (item != null) {
            next = item;
            return true;
          }
          if (channel.isDone()) {
            Throwable error = channel.error();
            if (error instanceof RuntimeException re) throw re;
            if (error != null) throw new DeploymentException(error.getClass().getSimpleName(), String.valueOf(error.getMessage()));
            return false;
          }
          LockSupport.park(this);
          if (Thread.interrupted()) {
            cancel();
            throw new IllegalStateException("interrupted while reading a deployment stream");
          }
        }
      }

      @Override
      public Object next() {
        if (!hasNext()) throw new NoSuchElementException();
        Object item = next;
        next = null;
        return item;
      }
    };
  }
}
