package dev.vserve.examples.python;

import dev.vserve.testing.ChildProcess;
import dev.vserve.testing.Poll;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code vserve run ...} in a JVM of its own, as a user starts it; the tests talk to it over HTTP. */
final class Launcher implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("proxy at http://127\\.0\\.0\\.1:(\\d+)");
  /** The examples' weights, which the Python examples load from beside their folder (as ./vserve allows). */
  static final String MODELS = java.nio.file.Path.of("../examples-java/models").toAbsolutePath().normalize().toString();
  final ChildProcess child;
  final int port;

  private Launcher(ChildProcess child, int port) {
    this.child = child;
    this.port = port;
  }

  /** Starts the launcher and waits until every application it was given is ready (or it exits). */
  static Launcher run(int apps, String... args) throws Exception {
    return run(List.of(), apps, args);
  }

  /** The same with extra JVM flags (e.g. a small heap). The deadline scales with the number of applications. */
  static Launcher run(List<String> jvmFlags, int apps, String... args) throws Exception {
    String[] full = new String[args.length + 3];
    full[0] = "run";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--port";
    full[args.length + 2] = "0";
    List<String> flags = new java.util.ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
        "-Dvserve.python.modelDirs=" + MODELS));
    flags.addAll(jvmFlags);
    ChildProcess child = ChildProcess.java(flags, "dev.vserve.cli.Main", full);
    try {
      Poll.until("the launcher to deploy " + apps + " application(s)", Duration.ofSeconds(60 + 30L * apps), () -> {
        if (!child.process.isAlive()) throw new AssertionError("launcher exited: " + String.join("\n", child.lines));
        return child.lines.stream().filter(l -> l.contains("ready at http")).count() >= apps;
      });
      Matcher m = child.lines.stream().map(UP::matcher).filter(Matcher::find).findFirst().orElseThrow();
      return new Launcher(child, Integer.parseInt(m.group(1)));
    } catch (Throwable t) {
      child.kill();
      // the output as it is now, not as it was when the wait began
      throw new AssertionError(t.getMessage() + "; launcher output:\n" + String.join("\n", child.lines), t);
    }
  }

  @Override
  public void close() throws InterruptedException {
    child.kill();
  }
}
