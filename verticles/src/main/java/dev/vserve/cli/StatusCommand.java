package dev.vserve.cli;

import dev.vserve.impl.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code vserve status}: asks any node's proxy for {@code /-/status} and prints it as a table. */
final class StatusCommand {
  private StatusCommand() {}

  static int print(String address, boolean raw) {
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
      System.err.println("vserve: no vserve node answers at " + base + " (" + e.getMessage() + "); pass --address URL");
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
      System.out.print(table(Json.MAPPER.readValue(body, Map.class)));
    } catch (IOException e) {
      System.err.println("vserve: unreadable status: " + e.getMessage());
      return 1;
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  static String table(Map<String, Object> s) {
    StringBuilder b = new StringBuilder();
    Map<String, Object> controller = (Map<String, Object>) s.get("controller");
    b.append("controller: node ").append(shortId(controller.get("node"))).append('\n');
    b.append("NODES\n");
    for (Map<String, Object> n : (List<Map<String, Object>>) s.get("nodes")) {
      b.append(String.format("  %-8s  %-24s  replicas %-3s  %s%s%n", shortId(n.get("id")), n.get("http"), n.get("replicas"),
          resources((Map<String, Object>) n.get("resources")), Boolean.TRUE.equals(n.get("controller")) ? "  (controller)" : ""));
    }
    b.append("APPLICATIONS\n");
    for (Map<String, Object> a : (List<Map<String, Object>>) s.get("applications")) {
      b.append(String.format("  %s  %s  %s%s%n", a.get("name"), a.get("route_prefix"), a.get("status"), note(a.get("message"))));
      for (Map<String, Object> d : (List<Map<String, Object>>) a.get("deployments")) {
        List<Map<String, Object>> replicas = (List<Map<String, Object>>) d.get("replicas");
        long running = replicas.stream().filter(r -> "RUNNING".equals(r.get("state"))).count();
        b.append(String.format("    %s  %s  %d/%s replicas%s%n", d.get("name"), d.get("status"), running, d.get("target_replicas"), note(d.get("message"))));
        for (Map<String, Object> r : replicas) {
          b.append(String.format("      %s  %s  node %s%n", r.get("id"), r.get("state"), shortId(r.get("node"))));
        }
      }
    }
    return b.toString();
  }

  private static String resources(Map<String, Object> r) {
    if (r == null || r.isEmpty()) return "unlimited (single node)";
    StringBuilder b = new StringBuilder();
    for (var e : new java.util.TreeMap<>(r).entrySet()) {
      if (b.length() > 0) b.append(", ");
      double v = ((Number) e.getValue()).doubleValue();
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
