package dev.vserve;

import dev.vserve.impl.Json;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Expectation;
import io.vertx.core.Future;
import io.vertx.core.Handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The result of a handle call: a Vert.x {@link Future}. Compose it, pass it as an argument to another
 * call (it is resolved first), or, off the event loop, {@link #await()} it. Note that {@code result()}
 * keeps Vert.x's meaning (null until complete); {@code await()} is Ray Serve's {@code .result()}.
 */
public final class DeploymentResponse<T> implements Future<T> {
  private final Future<T> delegate;

  public DeploymentResponse(Future<T> delegate) {
    this.delegate = delegate;
  }

  /** The same response, its value converted to {@code type} (JSON-compatible conversion). */
  public <R> DeploymentResponse<R> as(Class<R> type) {
    return new DeploymentResponse<>(delegate.map(v -> Json.convert(v, type)));
  }

  /**
   * Blocks until complete. Allowed on virtual threads and ordinary threads (where user code runs);
   * refused on an event loop, which it would stall.
   */
  @Override
  public T await() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("await() on an event-loop thread would block it; compose the future instead");
    }
    CompletableFuture<T> cf = delegate.toCompletionStage().toCompletableFuture();
    try {
      return cf.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while awaiting a deployment response", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) throw re;
      if (c instanceof Error err) throw err;
      throw new IllegalStateException(c);
    }
  }

  @Override public boolean isComplete() { return delegate.isComplete(); }
  @Override public Future<T> onComplete(Handler<AsyncResult<T>> handler) { delegate.onComplete(handler); return this; }
  @Override public T result() { return delegate.result(); }
  @Override public Throwable cause() { return delegate.cause(); }
  @Override public boolean succeeded() { return delegate.succeeded(); }
  @Override public boolean failed() { return delegate.failed(); }
  @Override public <U> Future<U> compose(Function<? super T, Future<U>> s, Function<Throwable, Future<U>> f) { return delegate.compose(s, f); }
  @Override public <U> Future<U> transform(Function<AsyncResult<T>, Future<U>> mapper) { return delegate.transform(mapper); }
  @Override public <U> Future<T> eventually(Supplier<Future<U>> supplier) { return delegate.eventually(supplier); }
  @Override public <U> Future<U> map(Function<? super T, U> mapper) { return delegate.map(mapper); }
  @Override public <V> Future<V> map(V value) { return delegate.map(value); }
  @Override public Future<T> otherwise(Function<Throwable, T> mapper) { return delegate.otherwise(mapper); }
  @Override public Future<T> otherwise(T value) { return delegate.otherwise(value); }
  @Override public Future<T> expecting(Expectation<? super T> expectation) { return delegate.expecting(expectation); }
  @Override public Future<T> timeout(long delay, TimeUnit unit) { return delegate.timeout(delay, unit); }
}
