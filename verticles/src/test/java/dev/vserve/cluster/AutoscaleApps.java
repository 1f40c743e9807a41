package dev.vserve.cluster;

import dev.vserve.Application;
import dev.vserve.Autoscaling;
import dev.vserve.AutoscalingContext;
import dev.vserve.AutoscalingPolicy;
import dev.vserve.Deployment;
import dev.vserve.ReplicaContext;
import dev.vserve.Request;

import java.util.HashMap;
import java.util.Map;

/** Applications the elastic-cluster tests deploy: short delays and intervals, so a test sees decisions in seconds. */
public final class AutoscaleApps {
  private AutoscaleApps() {}

  /** 100 ms a request, aiming at 2 ongoing requests a replica, 1 to 4 replicas of a CPU each. */
  @Deployment(numCpus = 1, autoscaling = @Autoscaling(minReplicas = 1, maxReplicas = 4, targetOngoingRequests = 2,
      upscaleDelayS = 0.5, downscaleDelayS = 2, lookBackPeriodS = 1, metricsIntervalS = 0.2))
  public static class Elastic {
    public Map<String, Object> call(Request r) throws InterruptedException {
      Thread.sleep(100);
      return ClusterApps.where();
    }
  }

  public static final Application elastic = Application.bind(Elastic.class);

  /** Scales to zero a second after its last request. */
  @Deployment(numCpus = 0, autoscaling = @Autoscaling(minReplicas = 0, maxReplicas = 2, upscaleDelayS = 0.5,
      downscaleDelayS = 1, downscaleToZeroDelayS = 1, lookBackPeriodS = 0.5, metricsIntervalS = 0.2))
  public static class Sleepy {
    public Map<String, Object> call(Request r) {
      return ClusterApps.where();
    }
  }

  public static final Application sleepy = Application.bind(Sleepy.class);

  /** Wants three replicas whatever the load, and counts its ticks in its state. */
  public static class ThreeReplicas implements AutoscalingPolicy {
    @Override
    public Decision decide(AutoscalingContext ctx) {
      Map<String, Object> state = new HashMap<>(ctx.policyState());
      state.merge("ticks", 1, (a, b) -> ((Number) a).intValue() + 1);
      return new Decision(3, state);
    }
  }

  @Deployment(numCpus = 0, autoscaling = @Autoscaling(minReplicas = 1, maxReplicas = 5, upscaleDelayS = 0, policy = ThreeReplicas.class))
  public static class Steered {
    public Map<String, Object> call(Request r) {
      return ClusterApps.where();
    }
  }

  public static final Application steered = Application.bind(Steered.class);

  @Deployment(numCpus = 0)
  public static class Fixed {
    public Map<String, Object> call(Request r) {
      return ClusterApps.where();
    }
  }

  public static final Application fixed = Application.bind(Fixed.class);

  /** Answers with the user_config it was last given through reconfigure, and which replica it is. */
  @Deployment(numReplicas = 2, numCpus = 0)
  public static class Tunable {
    private volatile Object config;

    public void reconfigure(Map<String, Object> config) {
      this.config = config;
    }

    public Map<String, Object> call(Request r) {
      return Map.of("config", config, "replica", ReplicaContext.current().replicaId());
    }
  }

  public static final Application tunable = Application.bind(Tunable.class);

  /** Two versions of one deployment's code, for a rolling update. */
  @Deployment(name = "Versioned", numReplicas = 2, numCpus = 0)
  public static class V1 {
    public Map<String, Object> call(Request r) throws InterruptedException {
      Thread.sleep(20);
      return Map.of("version", 1, "replica", ReplicaContext.current().replicaId());
    }
  }

  @Deployment(name = "Versioned", numReplicas = 2, numCpus = 0)
  public static class V2 {
    public Map<String, Object> call(Request r) throws InterruptedException {
      Thread.sleep(20);
      return Map.of("version", 2, "replica", ReplicaContext.current().replicaId());
    }
  }

  public static final Application v1 = Application.bind(V1.class);
  public static final Application v2 = Application.bind(V2.class);

  /** Healthy until told otherwise through {@code POST}; then its health check (every 0.3 s) fails. */
  @Deployment(numReplicas = 2, numCpus = 0, healthCheckPeriodS = 0.3)
  public static class Flaky {
    private volatile boolean broken;

    public Map<String, Object> call(Request r) {
      if (r.method().equals("POST")) broken = true;
      return ClusterApps.where();
    }

    public void checkHealth() {
      if (broken) throw new IllegalStateException("told to fail");
    }
  }

  public static final Application flaky = Application.bind(Flaky.class);
}
