package dev.vserve.python.impl;

import dev.vserve.DeploymentException;
import dev.vserve.HttpException;
import dev.vserve.ServeException;
import dev.vserve.impl.replica.HttpIngress;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Where Python puts the outcome of one call. Runs on the replica's Python thread; whoever waits on
 * {@link #result} is on another.
 */
public final class Reply implements Outcome {
  private static final System.Logger LOG = System.getLogger(Reply.class.getName());
  final CompletableFuture<Object> result = new CompletableFuture<>();
  private final String what;
  private final Function<Value, Object> convert;
  private volatile boolean http;
  private volatile boolean route;

  Reply(String what) {
    this(what, PyValues::toJava);
  }

  Reply(String what, Function<Value, Object> convert) {
    this.what = what;
    this.convert = convert;
  }

  /** The call came over HTTP: the result is encoded as vserve's Java ingresses encode theirs. */
  @HostAccess.Export
  public void http(boolean fromRoute) {
    http = true;
    route = fromRoute;
  }

  @HostAccess.Export
  public void done(Value value) {
    try {
      result.complete(convert.apply(value));
    } catch (RuntimeException e) {
      result.completeExceptionally(new DeploymentException("ResultError", what + " returned what cannot be sent: "
          + e.getMessage()));
    }
  }

  @Override
  public void abort(Throwable failure) {
    result.completeExceptionally(failure);
  }

  /** The outcome as its caller sends it on: encoded as an HTTP response if it answers one (off the Python thread). */
  Object outcome() throws Throwable {
    Object out;
    try {
      out = result.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause();
    }
    return http ? HttpIngress.encode(out, route) : out;
  }


  /**
   * A Python exception: a Java one raised through Python (a 400 from {@code request.json()}, a failed
   * call) keeps its status; {@code HTTPException} gives its own; anything else is a 500 that names
   * the Python type and the file and line it came from.
   */
  @HostAccess.Export
  public void fail(Value exception, int status, String type, String message, String where, String trace) {
    result.completeExceptionally(failure(what, exception, status, type, message, where, trace));
  }

  /** What a Python exception becomes in Java (see {@link #fail}). */
  static Throwable failure(String what, Value exception, int status, String type, String message, String where, String trace) {
    if (exception != null && exception.isHostObject() && exception.asHostObject() instanceof Throwable t) return t;
    if ("HTTPException".equals(type)) return new HttpException(status, message);
    if (status != 500) return new ServeException(status, type, message);
    String text = message.isEmpty() ? type : message;
    // one line per failed call; the Python traceback only at DEBUG
    LOG.log(System.Logger.Level.WARNING, what + " raised " + type + ": " + message.lines().findFirst().orElse("")
        + (where.isEmpty() ? "" : " (at " + where + ")"));
    LOG.log(System.Logger.Level.DEBUG, () -> what + " raised " + type + ": " + message + "\n" + trace);
    return new DeploymentException(type, where.isEmpty() ? text : text + " (at " + where + ")");
  }
}
