package dev.vserve.spi;

import dev.vserve.Application;

import java.util.ServiceLoader;

/**
 * Turns a command-line target in another language (a Python file) into an {@link Application}.
 * Found through {@link ServiceLoader}; the launcher asks each whether it takes a target.
 */
public interface ApplicationLoader {
  boolean accepts(String target);

  /** Loads the application the target names; a broken file is an {@link IllegalArgumentException} naming it. */
  Loaded load(String target);

  /**
   * The application and what the file itself asked for with {@code serve.run(app, name=..., route_prefix=...)}
   * (null where it did not say).
   */
  record Loaded(Application app, String name, String routePrefix) {}

  static ApplicationLoader find(String target) {
    for (ApplicationLoader l : ServiceLoader.load(ApplicationLoader.class, ApplicationLoader.class.getClassLoader())) {
      if (l.accepts(target)) return l;
    }
    return null;
  }
}
