package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Get;

/**
 * The FastAPI example of the Ray Serve overview, with method routes:
 * {@code GET /hello?name=Theodore} answers {@code "Hello Theodore!"}.
 */
@Deployment
public class Greeter {
  @Get("/hello")
  public String sayHello(String name) {
    return "Hello " + name + "!";
  }

  public static final Application app = Application.bind(Greeter.class);
}
