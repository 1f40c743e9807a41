package dev.vserve;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A deployment class with its configuration, not yet bound: what Ray Serve's decorator returns.
 * {@link #options} gives a changed copy; {@link #bind} gives an {@link Application}.
 */
public final class DeploymentSpec<T> {
  private final Class<T> type;
  private final String name;
  private final DeploymentConfig config;

  private DeploymentSpec(Class<T> type, String name, DeploymentConfig config) {
    this.type = Objects.requireNonNull(type, "type");
    this.name = name;
    this.config = config;
  }

  public static <T> DeploymentSpec<T> of(Class<T> type) {
    Deployment d = type.getAnnotation(Deployment.class);
    String name = d != null && !d.name().isEmpty() ? d.name() : type.getSimpleName();
    return new DeploymentSpec<>(type, name, DeploymentConfig.of(type));
  }

  /** A copy with the configuration changed by {@code change}; this spec is untouched. */
  public DeploymentSpec<T> options(Consumer<DeploymentConfig> change) {
    DeploymentConfig c = config.copy();
    change.accept(c);
    return new DeploymentSpec<>(type, name, c);
  }

  public DeploymentSpec<T> name(String newName) {
    return new DeploymentSpec<>(type, Objects.requireNonNull(newName, "name"), config.copy());
  }

  /**
   * Binds constructor arguments. An {@link Application} among them arrives in the constructor as a
   * {@link DeploymentHandle} to that deployment.
   */
  public Application bind(Object... initArgs) {
    config.validate(name);
    return new Application(type, name, config.copy(), initArgs == null ? new Object[0] : initArgs.clone());
  }

  public Class<T> type() { return type; }
  public String name() { return name; }
  public DeploymentConfig config() { return config.copy(); }
}
