package dev.vserve;

import java.util.Map;

/**
 * A deployment's own scaling rule, as Ray's {@code AutoscalingPolicy(policy_function=...)}: called by
 * the controller at each tick (every 100 ms) with what it knows of the deployment, it returns the
 * number of replicas wanted and the state to get back at the next tick. The controller then applies
 * the config's scaling factors, bounds ({@code min_replicas}..{@code max_replicas}) and delays to the
 * answer, so a policy only says what it wants. A policy that throws, or answers a number that is not
 * finite and non-negative, is logged and ignored for that tick: the deployment keeps its size.
 * Implementations need a public no-argument constructor; one instance serves one deployment.
 */
@FunctionalInterface
public interface AutoscalingPolicy {
  Decision decide(AutoscalingContext context);

  /** What a policy wants: a replica count (rounded up) and its state for the next tick. */
  record Decision(double replicas, Map<String, Object> state) {
    public Decision {
      state = state == null ? Map.of() : state;
    }

    public static Decision of(double replicas) {
      return new Decision(replicas, Map.of());
    }
  }

  /**
   * An application-level policy, as Ray's application {@code autoscaling_policy}: one call per tick
   * with every autoscaled deployment's context, by deployment name, for decisions taken together
   * (scale a pipeline's stages in proportion). Deployments it leaves out keep their size.
   */
  @FunctionalInterface
  interface ForApplication {
    Map<String, Decision> decide(Map<String, AutoscalingContext> contexts);
  }
}
