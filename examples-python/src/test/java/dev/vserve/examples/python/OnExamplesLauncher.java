package dev.vserve.examples.python;

import dev.vserve.testing.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that talks to the examples' shared {@code vserve run} JVM ({@link ExamplesLauncher}):
 * {@link #launcher} and an HTTP client to it, there before its first test.
 */
@ExtendWith(ExamplesLauncher.class)
abstract class OnExamplesLauncher {
  static Launcher launcher;
  static Http http;

  @BeforeAll
  static void connect() throws Exception {
    launcher = ExamplesLauncher.get();
    http = new Http(launcher.port);
  }
}
