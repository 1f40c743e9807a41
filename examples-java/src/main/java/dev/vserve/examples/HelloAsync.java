package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Request;
import dev.vserve.Serve;
import io.vertx.core.Future;

import java.util.Map;

/**
 * HelloWorld's non-blocking twin: {@code GET /} answers {@code {"result": "Hello world!"}} from a
 * method that returns a {@link Future}, so it runs on the event loop that received the request (no
 * thread hop), as a Vert.x handler does. Blocking calls do not belong in such a method.
 */
@Deployment
public class HelloAsync {
  private final Map<String, String> answer;

  public HelloAsync(String msg) {
    this.answer = Map.of("result", msg);
  }

  public Future<Map<String, String>> call(Request request) {
    return Future.succeededFuture(answer);
  }

  public static final Application app = Serve.deployment(HelloAsync.class).bind("Hello world!");
}
