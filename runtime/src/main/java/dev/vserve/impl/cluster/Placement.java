package dev.vserve.impl.cluster;

import dev.vserve.DeploymentConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where replicas go. A replica fits a node when the node's free resources cover its demand; among
 * the nodes that fit, the one with the fewest replicas of the same deployment wins (spread), then
 * the one with the fewest replicas. GPUs are tracked one by one: a whole-GPU demand takes free GPUs,
 * a fractional one packs onto the fullest GPU that still has room, so two half shares share a GPU.
 */
public final class Placement {
  private static final double EPS = 1e-9;

  /** What one replica needs: {@code CPU}, {@code GPU}, {@code memory} and custom resources. */
  public record Demand(Map<String, Double> amounts) {
    public static Demand of(DeploymentConfig c) {
      Map<String, Double> m = new TreeMap<>(c.getResources());
      if (c.getNumCpus() > 0) m.put(NodeInfo.CPU, c.getNumCpus());
      if (c.getNumGpus() > 0) m.put(NodeInfo.GPU, c.getNumGpus());
      if (c.getMemory() > 0) m.put(NodeInfo.MEMORY, c.getMemory());
      return new Demand(Map.copyOf(m));
    }

    double gpus() {
      return amounts.getOrDefault(NodeInfo.GPU, 0.0);
    }

    @Override
    public String toString() {
      return describe(amounts);
    }
  }

  /** A placed replica: its node and the GPUs it was given. */
  public record Slot(String nodeId, List<Integer> gpuIds) {}

  private static final class Load {
    final NodeInfo node;
    final Map<String, Double> free;
    final double[] gpuFree;
    final Map<String, Integer> perDeployment = new HashMap<>();
    int replicas;

    Load(NodeInfo node) {
      this.node = node;
      this.free = new HashMap<>(node.resources());
      this.gpuFree = new double[(int) Math.floor(node.offers(NodeInfo.GPU) + EPS)];
      java.util.Arrays.fill(gpuFree, 1.0);
    }

    /** The GPUs a demand would get here, or null if they are not free. */
    List<Integer> gpusFor(double gpus) {
      if (gpus <= 0) return List.of();
      if (!node.limited()) return List.of(0);
      List<Integer> ids = new ArrayList<>();
      if (gpus >= 1) {
        for (int i = 0; i < gpuFree.length && ids.size() < (int) gpus; i++) if (gpuFree[i] >= 1 - EPS) ids.add(i);
        return ids.size() == (int) gpus ? ids : null;
      }
      int best = -1;
      for (int i = 0; i < gpuFree.length; i++) {
        if (gpuFree[i] >= gpus - EPS && (best < 0 || gpuFree[i] < gpuFree[best])) best = i;
      }
      return best < 0 ? null : List.of(best);
    }

    boolean fits(Demand d) {
      if (!node.limited()) return true;
      for (var e : d.amounts().entrySet()) {
        if (e.getKey().equals(NodeInfo.GPU)) continue;
        if (free.getOrDefault(e.getKey(), 0.0) < e.getValue() - EPS) return false;
      }
      return gpusFor(d.gpus()) != null;
    }

    void take(String deployment, Demand d, List<Integer> gpuIds) {
      replicas++;
      perDeployment.merge(deployment, 1, Integer::sum);
      if (!node.limited()) return;
      d.amounts().forEach((k, v) -> free.merge(k, -v, Double::sum));
      double share = Math.min(d.gpus(), 1.0);
      for (int id : gpuIds) if (id < gpuFree.length) gpuFree[id] -= share;
    }
  }

  private final Map<String, Load> nodes = new LinkedHashMap<>();

  /** Starts from empty nodes; {@link #reserve} what already runs before placing more. */
  public Placement(Collection<NodeInfo> live) {
    live.stream().sorted(Comparator.comparingLong(NodeInfo::startedMs).thenComparing(NodeInfo::nodeId))
        .forEach(n -> nodes.put(n.nodeId(), new Load(n)));
  }

  /** Accounts for a replica already running on {@code nodeId} (ignored if the node is unknown). */
  public void reserve(String nodeId, String deployment, Demand d, List<Integer> gpuIds) {
    Load l = nodes.get(nodeId);
    if (l != null) l.take(deployment, d, gpuIds);
  }

  /** Places one replica of {@code deployment} and reserves its resources; null when no node fits. */
  public Slot place(String deployment, Demand d) {
    Load chosen = null;
    for (Load l : nodes.values()) {
      if (!l.fits(d)) continue;
      if (chosen == null || better(l, chosen, deployment)) chosen = l;
    }
    if (chosen == null) return null;
    List<Integer> gpus = chosen.gpusFor(d.gpus());
    chosen.take(deployment, d, gpus);
    return new Slot(chosen.node.nodeId(), gpus);
  }

  private static boolean better(Load a, Load b, String deployment) {
    int sa = a.perDeployment.getOrDefault(deployment, 0);
    int sb = b.perDeployment.getOrDefault(deployment, 0);
    return sa != sb ? sa < sb : a.replicas < b.replicas;
  }

  /** Why {@code d} fits nowhere: what it needs and what each node has free. */
  public String explain(Demand d) {
    StringBuilder b = new StringBuilder("a replica needs ").append(d).append("; ");
    if (nodes.isEmpty()) return b.append("no node is up").toString();
    b.append("free on the nodes: ");
    boolean first = true;
    for (Load l : nodes.values()) {
      if (!first) b.append(", ");
      first = false;
      Map<String, Double> free = new TreeMap<>(l.free);
      if (free.containsKey(NodeInfo.GPU)) free.put(NodeInfo.GPU, java.util.Arrays.stream(l.gpuFree).sum());
      b.append(shortId(l.node.nodeId())).append(' ').append(describe(free));
    }
    return b.toString();
  }

  public static String shortId(String nodeId) {
    return nodeId.length() > 8 ? nodeId.substring(0, 8) : nodeId;
  }

  private static String describe(Map<String, Double> amounts) {
    StringBuilder b = new StringBuilder("{");
    for (var e : new TreeMap<>(amounts).entrySet()) {
      if (b.length() > 1) b.append(", ");
      double v = e.getValue();
      String amount = e.getKey().equals(NodeInfo.MEMORY) ? (long) (v / (1 << 20)) + " MiB"
          : v == Math.rint(v) ? Long.toString((long) v) : Double.toString(Math.round(v * 1000) / 1000.0);
      b.append(e.getKey()).append(' ').append(amount);
    }
    return b.append('}').toString();
  }
}
