package dev.vserve.impl.handle;

import dev.vserve.DeploymentResponse;

import dev.vserve.impl.Json;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Completable;
import io.vertx.core.impl.future.FutureBase;
import io.vertx.core.Promise;
import io.vertx.core.Future;
import io.vertx.core.Handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The {@link DeploymentResponse} of vserve's handles. It extends Vert.x's future base class rather than
 * wrapping {@code Future}: Vert.x's own composition ({@code compose}, {@code Future.all}) accepts only
 * its own future implementations.
 */
public final class DeploymentResponseImpl<T> extends FutureBase<T> implements DeploymentResponse<T> {
  private final FutureBase<T> delegate;

  public DeploymentResponseImpl(Future<T> future) {
    if (future instanceof FutureBase<T> base) {
      this.delegate = base;
    } else {
      Promise<T> p = Promise.promise();
      future.onComplete(p);
      this.delegate = (FutureBase<T>) p.future();
    }
  }

  /** The same response, its value converted to {@code type} (JSON-compatible conversion). */
  @Override
  public <R> DeploymentResponse<R> as(Class<R> type) {
    return new DeploymentResponseImpl<>(delegate.map(v -> Json.convert(v, type)));
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
  @Override public void addListener(Completable<? super T> listener) { delegate.addListener(listener); }
  @Override public void removeListener(Completable<? super T> listener) { delegate.removeListener(listener); }
}
