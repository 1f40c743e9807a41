package dev.vserve;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a deployment method on an event loop, as Vert.x runs a handler: it must not block, and answers
 * with a {@code Future} (or {@code CompletionStage}, or a plain value computed at once). Methods that
 * return a {@code Future} or {@code CompletionStage} are non-blocking without it; a call from the
 * same node then never leaves the caller's event loop. Blocking on the event loop is reported, naming
 * the deployment and method. See {@link Blocking} for the other way round.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NonBlocking {
}
