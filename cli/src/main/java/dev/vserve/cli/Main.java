package dev.vserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vserve} command line: {@code run}, {@code start}, {@code status}, and the operator's
 * {@code deploy}, {@code config}, {@code shutdown} and {@code build}, each with its own
 * options and {@code --help} (picocli). Exit codes: 0 done (also after Ctrl-C or SIGTERM drained the
 * node), 1 a failure (unknown target, failed deploy, busy port), 2 a usage error.
 */
@Command(name = "vserve", mixinStandardHelpOptions = true, version = "vserve 0.1.0-SNAPSHOT",
    description = "Serve deployments (Java classes, Python files, serve configs) on Vert.x, alone or as a cluster.",
    subcommands = {RunCommand.class, StartCommand.class, StatusCommand.class, DeployCommand.class, ConfigCommand.class,
        ShutdownCommand.class, BuildCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "./vserve adds two commands of its own: `./vserve test [maven flags]` runs the test suite",
        "(mvn -B install on a JDK 21+), and `--classpath PATH` on run/start adds your classes or jars."})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private Main() {}

  /** No command: a usage error that shows the commands. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
  }

  public static void main(String[] args) {
    CommandLine cli = commandLine();
    cli.setExecutionStrategy(parseResult -> {
      exitZeroOnSignals();
      return new CommandLine.RunLast().execute(parseResult);
    });
    int code = cli.execute(args);
    // run and start have returned once their node drained; anything else ends here too
    System.exit(code);
  }

  /** The commands, parsing and error handling; {@link #main} adds the signal handling of a node's process. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setUsageHelpWidth(110);
    cli.setParameterExceptionHandler((e, args) -> {
      System.err.println("vserve: " + e.getMessage());
      e.getCommandLine().usage(System.err);
      return CommandLine.ExitCode.USAGE;
    });
    return cli;
  }

  /**
   * SIGTERM and SIGINT stop the node the graceful way (the shutdown hook drains it) and exit 0, as an
   * orchestrator expects of a requested stop; the JVM's own handlers would exit 143 and 130.
   */
  private static void exitZeroOnSignals() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name),
            sig -> Thread.ofPlatform().name("vserve-signal-" + name).start(() -> System.exit(0)));
      } catch (IllegalArgumentException e) {
        // the signal is not ours to handle (e.g. -Xrs, or ignored by a nohup parent): the JVM's default stays
      }
    }
  }
}
