package dev.vserve.impl.app;

import dev.vserve.Application;
import dev.vserve.DeploymentConfig;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An application flattened for deployment: every bound deployment once, dependencies before
 * dependents, names made unique as Ray Serve does ({@code Adder}, {@code Adder_1}).
 */
public record ApplicationPlan(String name, String routePrefix, String ingress, List<DeploymentPlan> deployments,
                              String autoscalingPolicy) {

  public ApplicationPlan(String name, String routePrefix, String ingress, List<DeploymentPlan> deployments) {
    this(name, routePrefix, ingress, deployments, null);
  }

  /**
   * This plan with an application-level autoscaling policy (Ray's application {@code autoscaling_policy}):
   * one function deciding for all of its autoscaled deployments together.
   */
  public ApplicationPlan withAutoscalingPolicy(String policy) {
    return new ApplicationPlan(name, routePrefix, ingress, deployments, policy);
  }

  public static ApplicationPlan of(Application root, String name, String routePrefix) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("application name must not be empty");
    String prefix = normalizePrefix(routePrefix);
    Map<Application, DeploymentPlan> planned = new IdentityHashMap<>();
    Map<String, Integer> used = new LinkedHashMap<>();
    List<DeploymentPlan> order = new ArrayList<>();
    DeploymentPlan ingress = visit(root, name, planned, used, order, new IdentityHashMap<>());
    return new ApplicationPlan(name, prefix, ingress.name(), List.copyOf(order), root.autoscalingPolicy());
  }

  /**
   * This plan with per-deployment overrides applied, by deployment name; a name the application does
   * not have fails, listing the names it has.
   */
  public ApplicationPlan withOverrides(Map<String, ? extends Map<String, ?>> overrides) {
    if (overrides == null || overrides.isEmpty()) return this;
    for (String n : overrides.keySet()) {
      if (deployment(n) == null) {
        throw new IllegalArgumentException("application '" + name + "' has no deployment '" + n + "' (it has "
            + deployments.stream().map(DeploymentPlan::name).toList() + ")");
      }
    }
    List<DeploymentPlan> changed = new ArrayList<>(deployments.size());
    for (DeploymentPlan d : deployments) {
      Map<String, ?> o = overrides.get(d.name());
      changed.add(o == null ? d : d.withConfig(d.config().copy().apply(o, d.name())));
    }
    return new ApplicationPlan(name, routePrefix, ingress, List.copyOf(changed), autoscalingPolicy);
  }

  public DeploymentPlan deployment(String deploymentName) {
    for (DeploymentPlan d : deployments) if (d.name().equals(deploymentName)) return d;
    return null;
  }

  private static DeploymentPlan visit(Application app, String appName, Map<Application, DeploymentPlan> planned,
                                      Map<String, Integer> used, List<DeploymentPlan> order,
                                      Map<Application, Boolean> onPath) {
    DeploymentPlan done = planned.get(app);
    if (done != null) return done;
    if (onPath.put(app, Boolean.TRUE) != null) {
      throw new IllegalArgumentException("deployment graph has a cycle through " + app.deploymentName());
    }
    List<Object> args = app.initArgs();
    Object[] planArgs = new Object[args.size()];
    for (int i = 0; i < planArgs.length; i++) planArgs[i] = planArg(args.get(i), appName, planned, used, order, onPath);
    Map<String, Object> planKwargs = new LinkedHashMap<>();
    app.initKwargs().forEach((k, v) -> planKwargs.put(k, planArg(v, appName, planned, used, order, onPath)));
    onPath.remove(app);
    String base = app.deploymentName();
    int n = used.merge(base, 1, Integer::sum);
    String unique = n == 1 ? base : base + "_" + (n - 1);
    DeploymentConfig config = app.config().validate(unique);
    DeploymentPlan plan = new DeploymentPlan(unique, app.code(), config, planArgs, planKwargs);
    planned.put(app, plan);
    order.add(plan);
    return plan;
  }

  private static Object planArg(Object a, String appName, Map<Application, DeploymentPlan> planned,
                                Map<String, Integer> used, List<DeploymentPlan> order, Map<Application, Boolean> onPath) {
    return a instanceof Application child
        ? new HandleRef(appName, visit(child, appName, planned, used, order, onPath).name())
        : a;
  }

  /** "/", or a path with a leading and no trailing slash. */
  public static String normalizePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.equals("/")) return "/";
    String p = prefix.startsWith("/") ? prefix : "/" + prefix;
    while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
    return p;
  }
}
