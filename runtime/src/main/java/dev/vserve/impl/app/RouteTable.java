package dev.vserve.impl.app;

import java.util.Comparator;
import java.util.List;

/**
 * The controller's announcement of where work enters: which route prefix leads to which application's
 * ingress, and which task queue to which consuming deployment.
 */
public record RouteTable(long version, List<Route> routes, List<TaskQueue> queues) {
  public static final String ADDRESS = "vserve.routes";

  public RouteTable {
    // longest prefix first, so the first match is the longest
    routes = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()).toList();
    queues = queues == null ? List.of() : List.copyOf(queues);
  }

  public RouteTable(long version, List<Route> routes) {
    this(version, routes, List.of());
  }

  /** A task queue and the deployment consuming it, with its rules and handlers. */
  public record TaskQueue(String name, String app, String deployment, dev.vserve.tasks.TaskProcessorConfig config) {}

  /** The queue of this name a deployment consumes; null if none (a dead-letter queue is not one). */
  public TaskQueue queue(String name) {
    for (TaskQueue q : queues) if (q.name().equals(name)) return q;
    return null;
  }

  public record Route(String prefix, String app, String ingress) {
    public boolean matches(String path) {
      return prefix.equals("/") || path.equals(prefix)
          || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
    }

    /** The path below the prefix, always starting with "/". */
    public String below(String path) {
      if (prefix.equals("/")) return path;
      String rest = path.substring(prefix.length());
      return rest.isEmpty() ? "/" : rest;
    }
  }

  public Route match(String path) {
    for (Route r : routes) if (r.matches(path)) return r;
    return null;
  }

  public Route byApp(String app) {
    for (Route r : routes) if (r.app().equals(app)) return r;
    return null;
  }
}
