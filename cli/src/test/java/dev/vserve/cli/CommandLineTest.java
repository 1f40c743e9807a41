package dev.vserve.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's parsing and help, in-process (the node-starting paths run in LauncherTest and ClusterTest). */
class CommandLineTest {
  /** Runs the command line with {@code args}; returns the exit code and what it printed on stdout and stderr. */
  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      // made after the redirection: picocli writes to the streams of its making
      CommandLine cli = Main.commandLine();
      int code = cli.execute(args);
      return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void everyHelpExitsZeroAndTheReadmeShowsItVerbatim() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    for (String[] args : new String[][] {{"--help"}, {"run", "--help"}, {"status", "--help"},
        {"deploy", "--help"}, {"config", "--help"}, {"shutdown", "--help"}, {"build", "--help"}, {"start", "--help"}, {"help", "run"}}) {
      String[] r = run(args);
      assertEquals("0", r[0], String.join(" ", args) + " exits 0: " + r[2]);
      assertTrue(r[1].startsWith("Usage: vserve"), String.join(" ", args) + " prints usage: " + r[1]);
      if (!args[0].equals("start") && !args[0].equals("help")) {
        assertTrue(readme.contains(r[1].strip()), "README's command line section shows `vserve " + String.join(" ", args)
            + "` as it is now; update it to:\n" + r[1]);
      }
    }
  }

  /** What build writes is a serve config vserve itself accepts, with every deployment's settings (autoscaling too). */
  @Test
  void buildWritesAConfigWithEveryDeploymentsOptions() throws Exception {
    String[] r = run("build", "dev.vserve.cluster.AutoscaleApps.elastic", "dev.vserve.cluster.ClusterApps.spread");
    assertEquals("0", r[0], r[2]);
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> raw = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readValue(r[1], java.util.Map.class);
    dev.vserve.ServeConfig config = dev.vserve.ServeConfig.from(raw);
    assertEquals(2, config.applications().size());
    var elastic = config.applications().get(0).deployments().get("Elastic");
    assertEquals(4, ((java.util.Map<?, ?>) elastic.get("autoscaling_config")).get("max_replicas"), r[1]);
    assertEquals(java.util.Set.of("Front", "Back"), config.applications().get(1).deployments().keySet());
    assertEquals("/app2", config.applications().get(1).routePrefix());
    String[] missing = run("build", "no.such.App");
    assertEquals("1", missing[0]);
    assertTrue(missing[2].contains("no class named no.such.App"), missing[2]);
  }

  @Test
  void usageErrorsExitTwoNamingTheProblem() {
    String[] noCommand = run();
    assertEquals("2", noCommand[0]);
    assertTrue(noCommand[2].contains("no command given"), noCommand[2]);
    String[] noTarget = run("run");
    assertEquals("2", noTarget[0]);
    assertTrue(noTarget[2].contains("TARGET"), noTarget[2]);
    String[] badPort = run("run", "X", "--port", "many");
    assertEquals("2", badPort[0]);
    assertTrue(badPort[2].contains("--port") && badPort[2].contains("many"), badPort[2]);
    String[] unknown = run("start", "--nope");
    assertEquals("2", unknown[0]);
    assertTrue(unknown[2].contains("--nope"), unknown[2]);
    String[] runOnly = run("start", "--name", "x");
    assertEquals("2", runOnly[0], "start has no --name (it deploys nothing)");
  }

  @Test
  void classpathIsRefusedByNameOutsideTheLauncherScript() {
    String[] r = run("run", "X", "--classpath", "lib");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--classpath is an option of the ./vserve launcher"), r[2]);
  }

  @Test
  void negativeAmountsAreUsageErrors() {
    String[] r = run("start", "--num-gpus", "-1");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--num-gpus expects a number >= 0"), r[2]);
  }

  @Test
  void aBusyPortIsNamedWithTheWayOut() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String[] r = run("start", "--port", Integer.toString(taken.getLocalPort()), "--no-access-log");
      assertEquals("1", r[0], r[2]);
      assertTrue(r[2].contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()) && r[2].contains("--port"), r[2]);
    }
  }

  @Test
  void statusWithNoNodeSaysWhereItLookedAndWhy() {
    String[] r = run("status", "--address", "127.0.0.1:1");
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("no vserve node answers at http://127.0.0.1:1") && !r[2].contains("(null)"), r[2]);
  }
}
