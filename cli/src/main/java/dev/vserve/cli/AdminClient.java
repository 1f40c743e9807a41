package dev.vserve.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The admin API as the operator's commands call it: one request, its answer, and failures in plain words. */
final class AdminClient {
  static final int DEFAULT_PORT = 8265;
  static final String TOKEN_ENV = "VSERVE_ADMIN_TOKEN";
  static final String DEFAULT_ADDRESS = "http://127.0.0.1:" + DEFAULT_PORT;

  /** A request that did not get a 2xx answer; the message says what to do. */
  static final class Failed extends Exception {
    Failed(String message) {
      super(message);
    }
  }

  private final String base;
  private final String token;

  AdminClient(String address, String token) {
    String b = address.startsWith("http") ? address : "http://" + address;
    this.base = b.replaceAll("/+$", "");
    this.token = token != null ? token : System.getenv(TOKEN_ENV);
  }

  String send(String method, String path, String json, Duration timeout) throws Failed {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) req.header("Content-Type", "application/json");
    if (token != null) req.header("Authorization", "Bearer " + token);
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> r = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 == 2) return r.body();
      if (r.statusCode() == 401) {
        throw new Failed("the admin API at " + base + " refused the change: no valid token (pass --token, or set " + TOKEN_ENV
            + "; the node printed its token when it started)");
      }
      throw new Failed(base + " answered " + r.statusCode() + ": " + r.body());
    } catch (IOException e) {
      String why = e.getMessage() != null ? e.getMessage() : e instanceof java.net.ConnectException ? "connection refused" : e.toString();
      throw new Failed("no vserve admin API answers at " + base + " (" + why + "); pass --address URL (a node prints it at start)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted");
    }
  }
}
