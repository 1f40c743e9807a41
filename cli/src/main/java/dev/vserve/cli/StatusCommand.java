package dev.vserve.cli;

import dev.vserve.controller.ClusterStatus;

import dev.vserve.impl.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vserve status}: asks any node's proxy for {@code /-/status} and prints it as a table. */
@Command(name = "status", mixinStandardHelpOptions = true, customSynopsis = "vserve status [--address URL] [--json]",
    description = "Show the nodes, applications, deployments and replicas of a node's cluster.")
final class StatusCommand implements Callable<Integer> {
  @Option(names = "--address", paramLabel = "URL", description = "a node's proxy (default http://127.0.0.1:8000)")
  String address = "http://127.0.0.1:" + dev.vserve.ServeOptions.DEFAULT_HTTP_PORT;

  @Option(names = "--json", description = "print the status as the node answers it (JSON)")
  boolean raw;

  @Override
  public Integer call() {
    String base = address.startsWith("http") ? address : "http://" + address;
    String body;
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/-/status"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      body = r.body();
      if (r.statusCode() != 200) {
        System.err.println("vserve: " + base + " answered " + r.statusCode() + ": " + body);
        return 1;
      }
    } catch (IOException | IllegalArgumentException e) {
      String why = e.getMessage() != null ? e.getMessage() : e instanceof java.net.ConnectException ? "connection refused" : e.toString();
      System.err.println("vserve: no vserve node answers at " + base + " (" + why + "); pass --address URL");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    if (raw) {
      System.out.println(body);
      return 0;
    }
    try {
      System.out.print(table(Json.MAPPER.readValue(body, ClusterStatus.class)));
    } catch (IOException e) {
      System.err.println("vserve: unreadable status: " + e.getMessage());
      return 1;
    }
    return 0;
  }

  static String table(ClusterStatus s) {
    StringBuilder b = new StringBuilder();
    b.append("controller: node ").append(shortId(s.controller().node())).append('\n');
    b.append("NODES\n");
    for (ClusterStatus.Node n : s.nodes()) {
      b.append(String.format("  %-8s  %-24s  replicas %-3s  %s%s%n", shortId(n.id()), n.http(), n.replicas(),
          resources(n.resources()), n.controller() ? "  (controller)" : ""));
    }
    b.append("APPLICATIONS\n");
    for (ClusterStatus.Application a : s.applications()) {
      b.append(String.format("  %s  %s  %s%s%n", a.name(), a.routePrefix(), a.status(), note(a.message())));
      for (ClusterStatus.Deployment d : a.deployments()) {
        b.append(String.format("    %s  %s  %d/%s replicas%s%n", d.name(), d.status(), d.running(), d.targetReplicas(), note(d.message())));
        for (ClusterStatus.Replica r : d.replicas()) {
          b.append(String.format("      %s  %s  node %s%n", r.id(), r.state(), shortId(r.node())));
        }
      }
    }
    return b.toString();
  }

  private static String resources(Map<String, Double> r) {
    if (r == null || r.isEmpty()) return "unlimited (single node)";
    StringBuilder b = new StringBuilder();
    for (var e : new java.util.TreeMap<>(r).entrySet()) {
      if (b.length() > 0) b.append(", ");
      double v = e.getValue();
      b.append(e.getKey()).append(' ').append(e.getKey().equals("memory") ? (long) (v / (1 << 20)) + " MiB"
          : v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
    }
    return b.toString();
  }

  private static String note(Object message) {
    return message == null || message.toString().isEmpty() ? "" : "  (" + message + ")";
  }

  private static String shortId(Object id) {
    String s = String.valueOf(id);
    return s.length() > 8 ? s.substring(0, 8) : s;
  }
}
