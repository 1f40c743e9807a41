package dev.vserve.spi;

import dev.vserve.impl.replica.DeploymentInvoker;

import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Makes the {@link ReplicaCode} for a deployment plan's code reference. Java classes need none; a
 * language host (the Python one in {@code polyglot-host}) registers one through
 * {@link ServiceLoader} for the references it owns, such as {@code python:...}.
 */
public interface ReplicaCodeFactory {
  boolean accepts(String code);

  /**
   * Constructs the user object on the calling (virtual) thread, with {@link dev.vserve.ReplicaContext}
   * set. {@code resolveArg} turns placeholders for bound deployments into handles.
   */
  ReplicaCode create(ReplicaSpec plan, Function<Object, Object> resolveArg) throws Throwable;

  /** The code for {@code plan}: a registered host's if one accepts it, else a Java class by name. */
  static ReplicaCode load(ReplicaSpec plan, Function<Object, Object> resolveArg) throws Throwable {
    for (ReplicaCodeFactory f : ServiceLoader.load(ReplicaCodeFactory.class, ReplicaCodeFactory.class.getClassLoader())) {
      if (f.accepts(plan.code())) return f.create(plan, resolveArg);
    }
    if (plan.code().contains(":")) {
      throw new IllegalStateException("no language host on the class path runs '" + plan.code()
          + "' (Python deployments need vserve-polyglot-host)");
    }
    if (!plan.initKwargs().isEmpty()) {
      throw new IllegalArgumentException("Java deployment " + plan.name() + " takes no keyword arguments, got "
          + plan.initKwargs().keySet());
    }
    ClassLoader loader = UserClasses.loader();
    return DeploymentInvoker.create(Class.forName(plan.code(), true, loader), plan.initArgs(), resolveArg);
  }
}
