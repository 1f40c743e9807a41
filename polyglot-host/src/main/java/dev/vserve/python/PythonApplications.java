package dev.vserve.python;

import dev.vserve.Application;
import dev.vserve.DeploymentConfig;
import dev.vserve.python.impl.PythonLoader;
import dev.vserve.spi.ApplicationLoader;

/**
 * Reads a Python file for the launcher: {@code app.py} deploys its {@code app} (or what it passes to
 * {@code serve.run}), {@code app.py:name} another attribute. The file runs once here, in a context of
 * its own, to build the graph of bound deployments; each replica reads it again.
 */
public final class PythonApplications implements ApplicationLoader {
  @Override
  public boolean accepts(String target) {
    return target.endsWith(".py") || target.contains(".py:");
  }

  @Override
  public Loaded load(String target) {
    return PythonLoader.load(target);
  }

  /** For Java code that wants a Python deployment in its graph: {@code python("mixed.py", "Doubler")}. */
  public static Application deployment(String file, String qualname, Object... initArgs) {
    return PythonLoader.deployment(file, qualname, new DeploymentConfig(), initArgs);
  }
}
