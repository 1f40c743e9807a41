package dev.vserve.examples;

import dev.vserve.testing.ChildProcess;
import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's own project, as the README tells it: {@code examples-standalone} (outside this build)
 * depends on vserve by its Maven coordinates through {@code vserve-bom}, is built by Maven against
 * what this build installed ({@code ./vserve test} is {@code mvn install}), and is served both from
 * its own {@code main} and by {@code vserve run} with its classes added to the class path.
 */
class StandaloneProjectTest {
  static final Path PROJECT = Path.of("../examples-standalone").toAbsolutePath().normalize();
  static final Path CLASSES = PROJECT.resolve("target/classes");
  private ChildProcess child;

  @BeforeAll
  static void build() throws Exception {
    List<String> mvn = new ArrayList<>(List.of("mvn", "-o", "-B", "-q", "-Dstyle.color=never", "-f",
        PROJECT.resolve("pom.xml").toString(), "package"));
    String repo = System.getProperty("vserve.localRepository");
    if (repo != null && !repo.isBlank()) mvn.add("-Dmaven.repo.local=" + repo);
    ProcessBuilder pb = new ProcessBuilder(mvn).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // javac of the JDK running this test (21+), whatever the machine's default java is
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the standalone build did not finish");
    assertEquals(0, p.exitValue(), "building examples-standalone against the installed vserve failed (vserve's"
        + " artifacts come from `./vserve test`, which is mvn install):\n" + new String(out));
    assertTrue(Files.exists(CLASSES.resolve("com/example/Shout.class")), "no classes in " + CLASSES);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (child != null) child.kill();
  }

  /** Starts {@code mainClass} with the standalone's classes after this test's class path. */
  private int serve(Pattern announced, String mainClass, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path") + File.pathSeparator + CLASSES, mainClass));
    cmd.addAll(List.of(args));
    child = ChildProcess.start(cmd);
    List<String> out = child.lines;
    Poll.until("the standalone app to be served", Duration.ofSeconds(90), () -> {
      if (!child.process.isAlive()) throw new AssertionError("exited:\n" + String.join("\n", out));
      return out.stream().anyMatch(l -> announced.matcher(l).find());
    });
    Matcher m = out.stream().map(announced::matcher).filter(Matcher::find).findFirst().orElseThrow();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void servesFromItsOwnMain() throws Exception {
    int port = serve(Pattern.compile("serving at http://127\\.0\\.0\\.1:(\\d+)/"), "com.example.Main", "0");
    assertEquals("\"HI!\"", new Http(port).get("/shout?word=hi").body());
  }

  @Test
  void servesThroughVserveRun() throws Exception {
    int port = serve(Pattern.compile("ready at http://127\\.0\\.0\\.1:(\\d+)/"), "dev.vserve.cli.Main",
        "run", "com.example.Shout", "--port", "0");
    assertEquals("\"HEY!\"", new Http(port).get("/shout?word=hey").body());
  }
}
