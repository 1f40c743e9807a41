package dev.vserve.cluster;

import dev.vserve.Application;
import dev.vserve.Deployment;

/** The application the clustered node of {@link PlainVerticleOverClusterTest} runs. */
public final class ClusterTarget {
  private ClusterTarget() {}

  @Deployment(numReplicas = 2)
  public static class Scaler {
    private final double factor;

    public Scaler(double factor) {
      this.factor = factor;
    }

    public double scale(double x) {
      return x * factor;
    }

    public double fail(double x) {
      throw new ArithmeticException("cannot scale " + x);
    }
  }

  public static final Application app = Application.bind(Scaler.class, 3.0);
}
