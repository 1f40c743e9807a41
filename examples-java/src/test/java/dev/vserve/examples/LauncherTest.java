package dev.vserve.examples;

import dev.vserve.testing.ChildProcess;
import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line as a user runs it: a separate JVM running {@code vserve run CLASS}, announcing
 * its URL, serving, and stopping cleanly on SIGTERM.
 */
class LauncherTest {
  private ChildProcess child;
  private Process process;

  @AfterEach
  void kill() throws InterruptedException {
    if (child != null) child.kill();
  }

  private List<String> start(String... args) throws Exception {
    return startMain("dev.vserve.cli.Main", args);
  }

  private List<String> startMain(String mainClass, String... args) throws Exception {
    child = ChildProcess.java(List.of(), mainClass, args);
    process = child.process;
    return child.lines;
  }

  @Test
  void runsAJavaTargetAndStopsOnSigterm() throws Exception {
    List<String> out = start("run", "dev.vserve.examples.Greeter", "--port", "0", "--route-prefix", "/g");
    Pattern ready = Pattern.compile("ready at http://127\\.0\\.0\\.1:(\\d+)/g");
    Poll.until("the launcher to announce its URL; output so far: " + out, Duration.ofSeconds(60),
        () -> out.stream().anyMatch(l -> ready.matcher(l).find()) || !process.isAlive());
    Matcher m = out.stream().map(ready::matcher).filter(Matcher::find).findFirst().orElseThrow(() ->
        new AssertionError("launcher exited: " + out));
    Http http = new Http(Integer.parseInt(m.group(1)));
    assertEquals("\"Hello Ada!\"", http.get("/g/hello?name=Ada").body());

    child.terminate();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "launcher did not stop on SIGTERM");
    Poll.until("the stop message in " + out, Duration.ofSeconds(5), () -> out.contains("vserve: stopped"));
  }

  /**
   * SIGTERM with requests in flight on keep-alive connections: each is answered (and told
   * {@code Connection: close}), an idle keep-alive connection is closed, and the process exits 0.
   */
  @Test
  void sigtermAnswersEveryRequestInFlightThenExitsZero() throws Exception {
    List<String> out = start("run", "dev.vserve.examples.SlowApp", "--port", "0");
    Pattern ready = Pattern.compile("ready at http://127\\.0\\.0\\.1:(\\d+)/");
    Poll.until("the launcher to announce its URL; output so far: " + out, Duration.ofSeconds(60),
        () -> out.stream().anyMatch(l -> ready.matcher(l).find()) || !process.isAlive());
    int port = Integer.parseInt(out.stream().map(ready::matcher).filter(Matcher::find).findFirst()
        .orElseThrow(() -> new AssertionError("launcher exited: " + out)).group(1));
    Http http = new Http(port);
    java.net.Socket idle = new java.net.Socket("127.0.0.1", port);
    List<java.net.Socket> busy = new java.util.ArrayList<>();
    try {
      exchange(idle, "/inflight");   // now an idle keep-alive connection
      for (int i = 0; i < 16; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        busy.add(s);
        send(s, "/slow");
      }
      Poll.until("16 requests in flight", Duration.ofSeconds(30),
          () -> Http.json(http.get("/inflight")).get("in_flight").asInt() == 16);
      child.terminate();
      for (java.net.Socket s : busy) {
        String response = read(s);
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), response);
        assertTrue(response.contains("\"slept_ms\":1000"), response);
      }
      idle.setSoTimeout(30_000);
      assertEquals(-1, idle.getInputStream().read(), "the idle keep-alive connection is closed");
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "launcher did not stop on SIGTERM: " + out);
      assertEquals(0, process.exitValue(), String.join("\n", out));
    } finally {
      idle.close();
      for (java.net.Socket s : busy) s.close();
    }
  }

  private static void send(java.net.Socket s, String path) throws java.io.IOException {
    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static String exchange(java.net.Socket s, String path) throws java.io.IOException {
    send(s, path);
    return read(s);
  }

  /** One response: head, then content-length bytes of body. */
  private static String read(java.net.Socket s) throws java.io.IOException {
    s.setSoTimeout(60_000);
    java.io.InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) return head.toString();
      head.append((char) c);
    }
    Matcher len = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
    int n = len.find() ? Integer.parseInt(len.group(1)) : 0;
    return head + new String(in.readNBytes(n), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Vert.x's own launcher (the Vert.x 5 successor of {@code vertx run}) starts a node and its applications. */
  @Test
  void startsWithVertxApplicationAndAJsonConfig() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String conf = "{\"http_options\": {\"port\": " + port + "}, \"applications\": ["
        + "{\"import_path\": \"dev.vserve.examples.HelloWorld\", \"name\": \"hello\", \"route_prefix\": \"/\"},"
        + "{\"import_path\": \"dev.vserve.examples.Greeter\", \"name\": \"greeter\", \"route_prefix\": \"/greeter\"},"
        + "{\"import_path\": \"dev.vserve.examples.ConfigProbe\", \"name\": \"probe\", \"route_prefix\": \"/probe\","
        + " \"deployments\": [{\"name\": \"ConfigProbe\", \"num_replicas\": 2, \"max_ongoing_requests\": 7}]}]}";
    List<String> out = startMain("io.vertx.launcher.application.VertxApplication", "dev.vserve.node.ServeVerticle", "-conf", conf);
    Http http = new Http(port);
    Poll.until("the launched node to serve; output: " + out, Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) throw new AssertionError("launcher exited: " + out);
      try {
        // the applications come up one by one; until the last one is routed, "/" (hello) answers its paths
        return http.get("/probe").body().contains("num_replicas");
      } catch (RuntimeException notYet) {
        return false;
      }
    });
    assertEquals("\"Hello Vert!\"", http.get("/greeter/hello?name=Vert").body());
    assertEquals("{\"result\":\"Hello world!\"}", http.get("/").body());
    var probe = Http.json(http.get("/probe"));
    assertEquals(2, probe.get("num_replicas").asInt(), "per-deployment override from the config");
    assertEquals(7, probe.get("max_ongoing_requests").asInt());
    child.terminate();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "launcher did not stop on SIGTERM");
  }

  /** `vserve run serve.yaml`: a config file in Ray Serve's shape, several applications, overrides. */
  @Test
  void runsARayServeShapedYamlConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path yaml = dir.resolve("serve.yaml");
    java.nio.file.Files.writeString(yaml, """
        http_options:
          port: 0
        applications:
          - name: math
            route_prefix: /math
            import_path: dev.vserve.examples.Composition
          - name: probe
            route_prefix: /probe
            import_path: dev.vserve.examples.ConfigProbe
            deployments:
              - name: ConfigProbe
                max_ongoing_requests: 11
        """);
    List<String> out = start("run", yaml.toString());
    Pattern ready = Pattern.compile("application 'probe' .* ready at http://127\\.0\\.0\\.1:(\\d+)/probe");
    Poll.until("both applications to be ready; output: " + out, Duration.ofSeconds(60),
        () -> out.stream().anyMatch(l -> ready.matcher(l).find()) || !process.isAlive());
    Matcher m = out.stream().map(ready::matcher).filter(Matcher::find).findFirst().orElseThrow(() ->
        new AssertionError("launcher exited: " + out));
    Http http = new Http(Integer.parseInt(m.group(1)));
    assertEquals(101.5, Http.json(http.post("/math", "{\"val\": 100.0}")).get("result").asDouble());
    assertEquals(11, Http.json(http.get("/probe")).get("max_ongoing_requests").asInt());
  }

  @Test
  void aConfigNamingAnUnknownDeploymentIsAClearError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path yaml = dir.resolve("serve.yaml");
    java.nio.file.Files.writeString(yaml, """
        applications:
          - import_path: dev.vserve.examples.ConfigProbe
            deployments:
              - name: Probe
                num_replicas: 2
        """);
    List<String> out = start("run", yaml.toString(), "--port", "0");
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue());
    Poll.until("the error line in " + out, Duration.ofSeconds(5),
        () -> out.stream().anyMatch(l -> l.contains("has no deployment 'Probe'")));
  }

  @Test
  void unknownTargetIsAClearErrorAndExitCode() throws Exception {
    List<String> out = start("run", "dev.vserve.examples.NoSuchApp", "--port", "0");
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue());
    Poll.until("the error line", Duration.ofSeconds(5),
        () -> out.stream().anyMatch(l -> l.contains("no class named dev.vserve.examples.NoSuchApp")));
  }

  @Test
  void badUsageExitsWith2() throws Exception {
    List<String> out = start("run", "dev.vserve.examples.Greeter", "--port", "eighty");
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    Poll.until("the usage line", Duration.ofSeconds(5), () -> out.stream().anyMatch(l -> l.contains("Invalid value for option '--port': 'eighty'")));
  }
}
