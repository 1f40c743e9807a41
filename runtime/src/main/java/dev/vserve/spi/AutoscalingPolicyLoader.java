package dev.vserve.spi;

import dev.vserve.AutoscalingPolicy;

import java.util.ServiceLoader;

/**
 * Makes the custom autoscaling policy a deployment names, for the controller. Java classes need
 * none; a language host registers one through {@link ServiceLoader} for the deployments whose code
 * it runs (a Python policy is a function of the application's file).
 */
public interface AutoscalingPolicyLoader {
  /** Whether this host owns policies of deployments whose code is {@code code}. */
  boolean accepts(String code);

  /** The policy {@code name} of a deployment whose code is {@code code}; a missing one fails naming it. May block. */
  AutoscalingPolicy load(String name, String code) throws Exception;

  /** An application-level policy; {@code code} is the application's ingress code. May block. */
  AutoscalingPolicy.ForApplication loadForApplication(String name, String code) throws Exception;

  /** A Java policy by class name unless a registered host owns the code. */
  static AutoscalingPolicyLoader find(String code) {
    for (AutoscalingPolicyLoader l : ServiceLoader.load(AutoscalingPolicyLoader.class, AutoscalingPolicyLoader.class.getClassLoader())) {
      if (l.accepts(code)) return l;
    }
    return JavaPolicies.INSTANCE;
  }

  /** Policies as Java classes with a public no-argument constructor. */
  final class JavaPolicies implements AutoscalingPolicyLoader {
    static final JavaPolicies INSTANCE = new JavaPolicies();

    @Override
    public boolean accepts(String code) {
      return !code.contains(":");
    }

    @Override
    public AutoscalingPolicy load(String name, String code) throws Exception {
      Object p = instance(name);
      if (p instanceof AutoscalingPolicy policy) return policy;
      throw new IllegalArgumentException("autoscaling policy " + name + " does not implement " + AutoscalingPolicy.class.getName());
    }

    @Override
    public AutoscalingPolicy.ForApplication loadForApplication(String name, String code) throws Exception {
      Object p = instance(name);
      if (p instanceof AutoscalingPolicy.ForApplication policy) return policy;
      throw new IllegalArgumentException("application autoscaling policy " + name + " does not implement "
          + AutoscalingPolicy.ForApplication.class.getName());
    }

    private static Object instance(String name) throws Exception {
      ClassLoader loader = UserClasses.loader();
      try {
        return Class.forName(name, true, loader).getConstructor().newInstance();
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException("autoscaling policy class " + name + " is not on the class path", e);
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException("autoscaling policy " + name + " needs a public no-argument constructor", e);
      }
    }
  }
}
