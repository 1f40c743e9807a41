package dev.vserve.python;

import dev.vserve.AutoscalingPolicy;
import dev.vserve.python.impl.PythonPolicy;
import dev.vserve.python.impl.PythonReplica;
import dev.vserve.spi.AutoscalingPolicyLoader;

/** Custom autoscaling policies of Python deployments: functions of the application's file. */
public final class PythonPolicies implements AutoscalingPolicyLoader {
  @Override
  public boolean accepts(String code) {
    return code.startsWith(PythonReplica.Code.PREFIX);
  }

  @Override
  public AutoscalingPolicy load(String name, String code) throws Exception {
    return PythonPolicy.load(name, code);
  }

  @Override
  public AutoscalingPolicy.ForApplication loadForApplication(String name, String code) throws Exception {
    return PythonPolicy.load(name, code);
  }
}
