package dev.vserve.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started by a test with the test's own class path, its output collected line by line. Stop it
 * in teardown with {@link #kill()}, whatever happened.
 */
public final class ChildProcess {
  public final Process process;
  public final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ChildProcess(Process process) {
    this.process = process;
    reader = Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (IOException ignored) {
        // the process ended
      }
    });
  }

  /**
   * {@code java [jvmFlags] -cp <test class path> mainClass args}, with C1 only: a test's JVM lives
   * seconds, and C2 compiling (GraalPy's interpreter above all) was most of its start's CPU.
   */
  public static ChildProcess java(List<String> jvmFlags, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return start(cmd);
  }

  /** Any command, its output (stdout and stderr) collected. */
  public static ChildProcess start(List<String> command) throws IOException {
    return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
  }

  /** Waits for the process to end and for its last line of output; false if it runs past the timeout. */
  public boolean awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) return false;
    reader.join(unit.toMillis(timeout));
    return true;
  }

  /** SIGTERM, as Ctrl-C or an orchestrator would (Process.destroy() would also close our end of its output). */
  public void terminate() {
    process.toHandle().destroy();
  }

  public void kill() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
