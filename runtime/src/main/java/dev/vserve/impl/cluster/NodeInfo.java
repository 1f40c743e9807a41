package dev.vserve.impl.cluster;

import dev.vserve.ServeOptions;

import java.util.Map;
import java.util.TreeMap;

/**
 * A node as the cluster sees it: its id (the cluster manager's), where its proxy listens, and the
 * resources it offers for placement.
 *
 * @param limited false for a single embedded node that places every replica whatever it asks for
 */
public record NodeInfo(String nodeId, String host, int httpPort, Map<String, Double> resources, boolean limited,
                       long startedMs) {
  public static final String CPU = "CPU";
  public static final String GPU = "GPU";
  public static final String MEMORY = "memory";

  /** What a node started with {@code options} offers; {@code clustered}: it shares a cluster with others. */
  public static NodeInfo of(String nodeId, ServeOptions options, int httpPort, boolean clustered) {
    Map<String, Double> given = options.getResources();
    if (given == null && !clustered) {
      return new NodeInfo(nodeId, options.getHttpHost(), httpPort, Map.of(), false, System.currentTimeMillis());
    }
    Map<String, Double> r = new TreeMap<>();
    r.put(CPU, (double) Runtime.getRuntime().availableProcessors());
    r.put(GPU, 0.0);
    r.put(MEMORY, (double) Runtime.getRuntime().maxMemory());
    if (given != null) r.putAll(given);
    return new NodeInfo(nodeId, options.getHttpHost(), httpPort, Map.copyOf(r), true, System.currentTimeMillis());
  }

  public double offers(String resource) {
    return resources.getOrDefault(resource, 0.0);
  }
}
