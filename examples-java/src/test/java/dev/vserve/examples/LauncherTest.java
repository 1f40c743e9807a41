package dev.vserve.examples;

import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private Process process;

  @AfterEach
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private List<String> start(String... args) throws Exception {
    return startMain("dev.vserve.cli.Main", args);
  }

  private List<String> startMain(String mainClass, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (Exception ignored) {
        // process ended
      }
    });
    return lines;
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

    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "launcher did not stop on SIGTERM");
    Poll.until("the stop message in " + out, Duration.ofSeconds(5), () -> out.contains("vserve: stopped"));
  }

  /** Vert.x's own launcher (the Vert.x 5 successor of {@code vertx run}) starts a node and its applications. */
  @Test
  void startsWithVertxApplicationAndAJsonConfig() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String conf = "{\"http\": {\"port\": " + port + "}, \"applications\": ["
        + "{\"target\": \"dev.vserve.examples.HelloWorld\", \"name\": \"hello\", \"route_prefix\": \"/\"},"
        + "{\"target\": \"dev.vserve.examples.Greeter\", \"name\": \"greeter\", \"route_prefix\": \"/greeter\"}]}";
    List<String> out = startMain("io.vertx.launcher.application.VertxApplication", "dev.vserve.node.ServeVerticle", "-conf", conf);
    Http http = new Http(port);
    Poll.until("the launched node to serve; output: " + out, Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) throw new AssertionError("launcher exited: " + out);
      try {
        return http.get("/greeter/hello?name=Vert").statusCode() == 200;
      } catch (RuntimeException notYet) {
        return false;
      }
    });
    assertEquals("\"Hello Vert!\"", http.get("/greeter/hello?name=Vert").body());
    assertEquals("{\"result\":\"Hello world!\"}", http.get("/").body());
    process.toHandle().destroy();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "launcher did not stop on SIGTERM");
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
    Poll.until("the usage line", Duration.ofSeconds(5), () -> out.stream().anyMatch(l -> l.contains("--port expects a number")));
  }
}
