package dev.vserve.python;

import dev.vserve.python.impl.PythonReplica;
import dev.vserve.spi.ReplicaCode;
import dev.vserve.spi.ReplicaCodeFactory;

import java.util.function.Function;

/** Runs replicas of deployments whose code is {@code python:<file>:<name>}. */
public final class PythonReplicas implements ReplicaCodeFactory {
  @Override
  public boolean accepts(String code) {
    return code.startsWith(PythonReplica.Code.PREFIX);
  }

  @Override
  public ReplicaCode create(dev.vserve.spi.ReplicaSpec plan, Function<Object, Object> resolveArg) throws Throwable {
    return PythonReplica.start(plan, resolveArg);
  }
}
