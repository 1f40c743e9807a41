package dev.vserve.controller;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vserve.impl.cluster.NodeInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as the controller sees it: what {@code GET /-/status} answers (as JSON) and what
 * {@code vserve status} reads back and prints. One set of records for both sides.
 */
public record ClusterStatus(Controller controller, List<Node> nodes, List<Application> applications) {
  public record Controller(String node, @JsonProperty("since_ms") long sinceMs) {}

  public record Node(String id, String http, Map<String, Double> resources, int replicas, boolean controller) {}

  public record Application(String name, @JsonProperty("route_prefix") String routePrefix, String status, String message,
                            List<Deployment> deployments) {}

  public record Deployment(String name, String status, String message, @JsonProperty("target_replicas") int targetReplicas,
                           List<Replica> replicas) {
    public long running() {
      return replicas.stream().filter(r -> r.state().equals("RUNNING")).count();
    }
  }

  public record Replica(String id, String node, String state, @JsonProperty("gpu_ids") List<Integer> gpuIds) {}

  /** Each deployment's replicas by state and its target, for the controller node's gauges. */
  static List<dev.vserve.metrics.ClusterGauges.DeploymentRow> gaugeRows(Collection<ApplicationState> apps) {
    List<dev.vserve.metrics.ClusterGauges.DeploymentRow> rows = new ArrayList<>();
    for (ApplicationState a : apps) {
      for (DeploymentState d : a.deployments.values()) {
        Map<String, Integer> byState = new java.util.TreeMap<>();
        byState.put("RUNNING", d.running.size());
        byState.put("STARTING", d.starting.size());
        byState.put("UNHEALTHY", d.unhealthy.size());
        byState.put("STOPPING", d.stopping.size());
        rows.add(new dev.vserve.metrics.ClusterGauges.DeploymentRow(a.name(), d.name(), d.target(), byState));
      }
    }
    return rows;
  }

  static ClusterStatus of(String controllerNode, long sinceMs, Collection<NodeInfo> nodes, Collection<ApplicationState> apps) {
    Map<String, Integer> perNode = new HashMap<>();
    List<Application> applications = new ArrayList<>();
    for (ApplicationState a : apps) {
      List<Deployment> deployments = new ArrayList<>();
      for (DeploymentState d : a.deployments.values()) {
        List<Replica> replicas = new ArrayList<>();
        for (ReplicaRecord r : d.running) perNode.merge(r.nodeId(), 1, Integer::sum);
        d.running.forEach(r -> replicas.add(new Replica(r.id(), r.nodeId(), "RUNNING", r.gpuIds())));
        d.starting.forEach(r -> replicas.add(new Replica(r.id(), r.nodeId(), "STARTING", r.gpuIds())));
        d.unhealthy.forEach(r -> replicas.add(new Replica(r.id(), r.nodeId(), "UNHEALTHY", r.gpuIds())));
        d.stopping.forEach(r -> replicas.add(new Replica(r.id(), r.nodeId(), "STOPPING", r.gpuIds())));
        deployments.add(new Deployment(d.name(), d.status().name(), d.message(), d.target(), replicas));
      }
      applications.add(new Application(a.name(), a.plan.routePrefix(), a.status.name(), a.message, deployments));
    }
    List<Node> nodeList = new ArrayList<>();
    for (NodeInfo n : nodes) {
      nodeList.add(new Node(n.nodeId(), n.httpPort() > 0 ? "http://" + n.host() + ":" + n.httpPort() : "",
          n.limited() ? n.resources() : Map.of(), perNode.getOrDefault(n.nodeId(), 0), n.nodeId().equals(controllerNode)));
    }
    return new ClusterStatus(new Controller(controllerNode, sinceMs), nodeList, applications);
  }
}
