package com.example;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Get;

/**
 * A deployment of your own: {@code GET /shout?word=hi} answers {@code "HI!"}.
 * Serve it with {@code ./vserve run --classpath examples-standalone/target/classes com.example.Shout}.
 */
@Deployment(numReplicas = 2)
public class Shout {
  @Get("/shout")
  public String shout(String word) {
    return word.toUpperCase() + "!";
  }

  /** What {@code vserve run com.example.Shout} deploys (a public static {@code app()} is used when present). */
  public static Application app() {
    return Application.bind(Shout.class);
  }
}
