package dev.vserve.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code vserve start}: a node without applications, e.g. one more node for a cluster. */
@Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
    customSynopsis = "vserve start [OPTIONS]",
    description = "Start a node without applications (join the cluster with --cluster) until Ctrl-C or SIGTERM.")
final class StartCommand implements Callable<Integer> {
  @Mixin
  NodeOptions node;

  @Override
  public Integer call() {
    return NodeRunner.serve(node.toServeOptions(), List.of(), List.of());
  }
}
