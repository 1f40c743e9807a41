package dev.vserve;

import java.util.Arrays;
import java.util.List;

/**
 * A bound deployment and, through its arguments, the graph of deployments it calls. Deploy it with
 * {@link Serve#run}; pass it as an argument to another {@code bind} to compose.
 */
public final class Application {
  private final Class<?> type;
  private final String name;
  private final DeploymentConfig config;
  private final Object[] initArgs;

  Application(Class<?> type, String name, DeploymentConfig config, Object[] initArgs) {
    this.type = type;
    this.name = name;
    this.config = config;
    this.initArgs = initArgs;
  }

  /** Shorthand for {@code DeploymentSpec.of(type).bind(args)}. */
  public static Application bind(Class<?> type, Object... initArgs) {
    return DeploymentSpec.of(type).bind(initArgs);
  }

  public Class<?> deploymentClass() { return type; }
  public String deploymentName() { return name; }
  public DeploymentConfig config() { return config.copy(); }
  public List<Object> initArgs() { return Arrays.asList(initArgs.clone()); }

  @Override
  public String toString() {
    return "Application{" + name + " (" + type.getName() + ")}";
  }
}
