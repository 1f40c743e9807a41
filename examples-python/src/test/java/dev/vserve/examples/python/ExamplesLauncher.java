package dev.vserve.examples.python;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One {@code vserve run} JVM serving every example and test application, shared by the test classes
 * that talk to it over HTTP (starting one is most of their cost): started by the first class that
 * needs it, stopped (its process killed) when the last test of this JVM has run, whatever happened.
 * Its limits are the fuzz test's: bodies must arrive within 1 s, calls answer within 10 s.
 */
final class ExamplesLauncher implements BeforeAllCallback {
  private static final String CONFIG = """
      applications:
        - {name: hello, route_prefix: /hello, import_path: hello.py}
        - {name: fastapi, route_prefix: /fastapi, import_path: fastapi_hello.py}
        - {name: composition, route_prefix: /composition, import_path: composition.py}
        - {name: mixed, route_prefix: /mixed, import_path: mixed.py}
        - {name: java-mixed, route_prefix: /java-mixed, import_path: dev.vserve.examples.Mixed}
        - {name: java-math, route_prefix: /jm, import_path: dev.vserve.examples.Composition}
        - {name: java-hello, route_prefix: /jh, import_path: dev.vserve.examples.Greeter}
        - {name: mnist, route_prefix: /mnist, import_path: mnist.py}
        - {name: jobs, route_prefix: /jobs, import_path: mnist_jobs.py}
        - {name: stream, route_prefix: /stream, import_path: stream.py}
        - {name: checks, route_prefix: /checks, import_path: src/test/python/checks.py}
        - {name: sync, route_prefix: /sync, import_path: "src/test/python/checks.py:sync_app"}
        - {name: options, route_prefix: /options, import_path: src/test/python/ray_options.py}
        - {name: health, route_prefix: /health, import_path: src/test/python/health.py}
        - {name: userconfig, route_prefix: /userconfig, import_path: src/test/python/user_config.py}
        - {name: routes, route_prefix: /routes, import_path: src/test/python/routes_free.py}
        - {name: compat, route_prefix: /compat, import_path: src/test/python/ray_compat.py}
        - {name: slow, route_prefix: /slow, import_path: "src/test/python/ray_compat.py:slow_app"}
        - {name: mux, route_prefix: /mux, import_path: mnist_multiplexed.py}
        - {name: muxcheck, route_prefix: /muxcheck, import_path: src/test/python/multiplex_check.py}
        - {name: chat, route_prefix: /chat, import_path: custom_router.py}
        - {name: instrumented, route_prefix: /instrumented, import_path: instrumented.py,
           deployments: [{name: InstrumentedService, num_replicas: 1}]}
      """;
  private static final int APPS = 22;

  private static Launcher launcher;

  /** The shared launcher, started on first use. */
  static synchronized Launcher get() throws Exception {
    if (launcher == null) {
      // the variants the multiplexing example serves, made from the trained weights (as the Java example does)
      for (String id : dev.vserve.examples.mnist.MnistVariants.IDS) {
        dev.vserve.examples.mnist.MnistVariants.ensure(Path.of("../examples-java/models/mnist"), id);
      }
      Path config = Files.createTempFile("vserve-python-examples", ".yaml");
      Files.writeString(config, CONFIG);
      launcher = Launcher.run(APPS, config.toString(), "--body-timeout-ms", "1000", "--request-timeout-ms", "10000");
    }
    return launcher;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // closed with the root context: after every test class of this JVM
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(ExamplesLauncher.class,
        k -> (ExtensionContext.Store.CloseableResource) () -> {
          synchronized (ExamplesLauncher.class) {
            if (launcher != null) launcher.close();
            launcher = null;
          }
        });
  }
}
