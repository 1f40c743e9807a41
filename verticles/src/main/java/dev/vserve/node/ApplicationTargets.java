package dev.vserve.node;

import dev.vserve.Application;
import dev.vserve.spi.ApplicationLoader;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What an import path names (the command line's TARGET, a serve config's {@code import_path}): a
 * file another language host loads, or a Java class exposing an {@link Application}. Shared by the
 * command line and {@link ServeVerticle}.
 */
public final class ApplicationTargets {
  private ApplicationTargets() {}

  /**
   * A command-line target: a file another language host loads (a Python {@code file.py[:attr]}), or a
   * Java class (below).
   */
  public static ApplicationLoader.Loaded load(String importPath) {
    ApplicationLoader host = ApplicationLoader.find(importPath);
    if (host != null) return host.load(importPath);
    if (importPath.endsWith(".py") || importPath.contains(".py:")) {
      throw new IllegalArgumentException(importPath + " is a Python file, but no Python host is on the class path "
          + "(vserve-polyglot-host)");
    }
    return new ApplicationLoader.Loaded(loadApplication(importPath), null, null);
  }

  /**
   * Several targets, read side by side on up to one thread per core (a Python file is read in a context
   * of its own, about a second of a core's work): the results in the order given; when some fail, the
   * first of them in that order is the one thrown.
   */
  public static List<ApplicationLoader.Loaded> loadAll(List<String> importPaths) {
    if (importPaths.size() < 2) return importPaths.stream().map(ApplicationTargets::load).toList();
    int threads = Math.min(importPaths.size(), Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("vserve-load-", 0).daemon(true).factory());
    try {
      List<Future<ApplicationLoader.Loaded>> reads = new ArrayList<>();
      for (String p : importPaths) reads.add(pool.submit(() -> load(p)));
      List<ApplicationLoader.Loaded> loaded = new ArrayList<>();
      for (Future<ApplicationLoader.Loaded> r : reads) loaded.add(r.get());
      return loaded;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the applications", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The application a class exposes as a static {@code app} field or {@code app()} method; as in
   * Ray's import paths, {@code pkg.Class:name} or {@code pkg.Class.name} picks another field or method.
   */
  public static Application loadApplication(String importPath) {
    String className = importPath;
    String attribute = "app";
    int colon = importPath.lastIndexOf(':');
    if (colon > 0) {
      className = importPath.substring(0, colon);
      attribute = importPath.substring(colon + 1);
    }
    Class<?> type;
    try {
      type = Class.forName(className);
    } catch (ClassNotFoundException e) {
      int dot = className.lastIndexOf('.');
      try {
        if (colon > 0 || dot < 0) throw e;
        type = Class.forName(className.substring(0, dot));
        attribute = className.substring(dot + 1);
        className = className.substring(0, dot);
      } catch (ClassNotFoundException e2) {
        List<String> near = NearestClasses.to(colon > 0 ? className : importPath, 3);
        throw new IllegalArgumentException("no class named " + importPath + " on the class path"
            + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?"));
      }
    }
    return loadApplication(type, attribute);
  }

  private static Application loadApplication(Class<?> type, String attribute) {
    String className = type.getName();
    try {
      Method m = type.getMethod(attribute);
      if (Modifier.isStatic(m.getModifiers()) && Application.class.isAssignableFrom(m.getReturnType())) {
        return (Application) m.invoke(null);
      }
    } catch (NoSuchMethodException ignored) {
      // try the field
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(className + "." + attribute + "() failed: " + e.getCause(), e);
    }
    try {
      Field f = type.getField(attribute);
      if (Modifier.isStatic(f.getModifiers()) && f.get(null) instanceof Application a) return a;
    } catch (ReflectiveOperationException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(className + " has no static `" + attribute + "` field or `" + attribute
        + "()` method returning an Application");
  }

}
