package dev.vserve.controller;

import dev.vserve.cluster.Membership;
import dev.vserve.impl.Json;
import dev.vserve.impl.cluster.NodeInfo;
import dev.vserve.node.NodeAgentVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The nodes the controller may place replicas on, and what each offers. The agents' entries in the
 * cluster map {@link NodeAgentVerticle#NODES_MAP} are the source, filtered by cluster membership; a
 * node's JOINED announcement and the membership's departures only bring the view up to date sooner.
 */
final class NodeRegistry {
  private static final System.Logger LOG = System.getLogger(NodeRegistry.class.getName());
  private final Membership membership;
  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();

  NodeRegistry(Membership membership) {
    this.membership = membership;
  }

  /** Reads the advertised nodes, keeping those still members; entries of departed nodes are removed. */
  Future<Void> refresh(Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap(NodeAgentVerticle.NODES_MAP)
        .compose(m -> m.entries().map(entries -> {
          Set<String> members = membership.nodes();
          nodes.clear();
          for (var e : entries.entrySet()) {
            if (members.contains(e.getKey())) {
              try {
                nodes.put(e.getKey(), Json.MAPPER.readValue(e.getValue(), NodeInfo.class));
              } catch (java.io.IOException bad) {
                LOG.log(Level.WARNING, "node " + e.getKey() + " advertises unreadable resources: " + bad.getMessage());
              }
            } else {
              m.remove(e.getKey());
            }
          }
          return null;
        }));
  }

  void joined(NodeInfo n) {
    nodes.put(n.nodeId(), n);
  }

  void left(String nodeId) {
    nodes.remove(nodeId);
  }

  Collection<NodeInfo> all() {
    return nodes.values();
  }

  Set<String> ids() {
    return Set.copyOf(nodes.keySet());
  }
}
