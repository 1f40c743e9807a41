package dev.vserve.impl.app;

import java.util.Comparator;
import java.util.List;

/** The controller's announcement of which route prefix leads to which application's ingress. */
public record RouteTable(long version, List<Route> routes) {
  public static final String ADDRESS = "vserve.routes";

  public RouteTable {
    // longest prefix first, so the first match is the longest
    routes = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()).toList();
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
