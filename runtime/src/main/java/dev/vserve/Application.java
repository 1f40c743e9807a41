package dev.vserve;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A bound deployment and, through its arguments, the graph of deployments it calls. Deploy it with
 * {@link Serve#run}; pass it as an argument to another {@code bind} to compose.
 */
public final class Application {
  private final String code;
  private final String name;
  private final DeploymentConfig config;
  private final Object[] initArgs;
  private final Map<String, Object> initKwargs;
  private String autoscalingPolicy;

  Application(Class<?> type, String name, DeploymentConfig config, Object[] initArgs) {
    this(type.getName(), name, config, initArgs, Map.of());
  }

  private Application(String code, String name, DeploymentConfig config, Object[] initArgs,
                      Map<String, Object> initKwargs) {
    this.code = code;
    this.name = name;
    this.config = config;
    this.initArgs = initArgs;
    this.initKwargs = initKwargs;
  }

  /** Shorthand for {@code DeploymentSpec.of(type).bind(args)}. */
  public static Application bind(Class<?> type, Object... initArgs) {
    return DeploymentSpec.of(type).bind(initArgs);
  }

  /**
   * A deployment whose code another language host loads (see {@link dev.vserve.spi.ReplicaCodeFactory}),
   * such as a Python class: {@code code} names it for that host, e.g. {@code python:/app/hello.py:Hello}.
   * Keyword arguments are passed by name where the language has them.
   */
  public static Application ofCode(String code, String name, DeploymentConfig config, List<?> initArgs,
                                   Map<String, ?> initKwargs) {
    Objects.requireNonNull(code, "code");
    config.validate(name);
    return new Application(code, Objects.requireNonNull(name, "name"), config.copy(), initArgs.toArray(),
        initKwargs == null ? Map.of() : new LinkedHashMap<>(initKwargs));
  }

  /**
   * An application-level autoscaling policy, as Ray's application {@code autoscaling_policy}: one
   * {@link AutoscalingPolicy.ForApplication} deciding for all of the application's autoscaled
   * deployments together (a Java class name, or a function of a Python app's file). Set it on the
   * ingress, the application's root; returns this.
   */
  public Application withAutoscalingPolicy(String policy) {
    this.autoscalingPolicy = policy;
    return this;
  }

  public Application withAutoscalingPolicy(Class<? extends AutoscalingPolicy.ForApplication> policy) {
    return withAutoscalingPolicy(policy.getName());
  }

  /** The application-level policy set on this (root) application, or null. */
  public String autoscalingPolicy() { return autoscalingPolicy; }

  /** What the replica loads: a Java class name, or a language host's reference. */
  public String code() { return code; }
  public String deploymentName() { return name; }
  public DeploymentConfig config() { return config.copy(); }
  public List<Object> initArgs() { return Arrays.asList(initArgs.clone()); }
  public Map<String, Object> initKwargs() { return new LinkedHashMap<>(initKwargs); }

  @Override
  public String toString() {
    return "Application{" + name + " (" + code + ")}";
  }
}
