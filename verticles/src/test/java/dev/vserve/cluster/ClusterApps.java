package dev.vserve.cluster;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.DeploymentHandle;
import dev.vserve.ReplicaContext;
import dev.vserve.Request;

import java.util.LinkedHashMap;
import java.util.Map;

/** Applications the multi-node tests deploy; each answer says which node and replica served it. */
public final class ClusterApps {
  private ClusterApps() {}

  static Map<String, Object> where() {
    ReplicaContext c = ReplicaContext.current();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node", c.nodeId());
    m.put("replica", c.replicaId());
    m.put("gpu_ids", c.gpuIds());
    return m;
  }

  @Deployment(numReplicas = 2)
  public static class Back {
    public Map<String, Object> where() {
      return ClusterApps.where();
    }
  }

  /** Calls {@link Back} through a handle: with replicas spread, often on another node. */
  @Deployment(numReplicas = 2)
  public static class Front {
    private final DeploymentHandle back;

    public Front(DeploymentHandle back) {
      this.back = back;
    }

    public Map<String, Object> call(Request r) {
      Map<?, ?> b = back.method("where").remote().as(Map.class).await();
      return Map.of("front", ClusterApps.where().get("node"), "back", b.get("node"));
    }
  }

  public static final Application spread = Application.bind(Front.class, Application.bind(Back.class));

  @Deployment(numReplicas = 2, numCpus = 0, numGpus = 0.5)
  public static class GpuWorker {
    public Map<String, Object> call(Request r) {
      return where();
    }
  }

  public static final Application gpu = Application.bind(GpuWorker.class);

  @Deployment(numReplicas = 3, numCpus = 0)
  public static class Local {
    public Map<String, Object> call(Request r) {
      return where();
    }
  }

  public static final Application local = Application.bind(Local.class);

  /** Placed by a custom resource (see the test's config); answers what it received. */
  @Deployment(numCpus = 0)
  public static class Echo {
    public Map<String, Object> call(Request r) {
      byte[] body = r.body() == null ? new byte[0] : r.body();
      long sum = 0;
      for (byte b : body) sum += b & 0xff;
      Map<String, Object> m = where();
      m.put("bytes", body.length);
      m.put("sum", sum);
      return m;
    }
  }

  public static final Application echo = Application.bind(Echo.class);

  /** Streams placed by a custom resource on one node, read through another node's proxy. */
  @Deployment(numCpus = 0)
  public static class Tokens {
    @dev.vserve.Get("/tokens")
    public java.util.stream.Stream<Map<String, Object>> tokens(int n) {
      String node = ReplicaContext.current().nodeId();
      return java.util.stream.IntStream.range(0, n).mapToObj(i -> Map.of("i", i, "node", node));
    }

    @dev.vserve.Get("/broken")
    public java.util.Iterator<String> broken() {
      return java.util.stream.Stream.of("a", "b").map(x -> {
        if (x.equals("b")) throw new IllegalStateException("mid-stream on purpose");
        return x;
      }).iterator();
    }
  }

  public static final Application tokens = Application.bind(Tokens.class);

  @Deployment(numCpus = 0, numGpus = 2)
  public static class Hungry {
    public String call(Request r) {
      return "never placed";
    }
  }

  public static final Application hungry = Application.bind(Hungry.class);

  /** A little work per request, so that calls are in flight when a node dies. */
  @Deployment(numReplicas = 3, maxOngoingRequests = 16)
  public static class Work {
    public Map<String, Object> call(Request r) throws InterruptedException {
      Thread.sleep(20);
      return where();
    }
  }

  public static final Application work = Application.bind(Work.class);
}
