package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Request;
import dev.vserve.Serve;

import java.util.Map;

/** The Ray Serve quickstart: {@code GET /} answers {@code {"result": "Hello world!"}}. */
@Deployment
public class HelloWorld {
  private final String msg;

  public HelloWorld(String msg) {
    // model state would be loaded here, once per replica
    this.msg = msg;
  }

  public Map<String, String> call(Request request) {
    return Map.of("result", msg);
  }

  public static final Application app = Serve.deployment(HelloWorld.class).bind("Hello world!");

  public static void main(String[] args) {
    Serve.run(app);
    System.out.println("HelloWorld ready at http://127.0.0.1:8000/ (Ctrl-C to stop)");
  }
}
