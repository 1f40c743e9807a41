package dev.vserve.python.impl;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the process's own handlers for SIGTERM, SIGINT and SIGHUP in place. GraalPy implements
 * Python's {@code signal.signal} with JVM-wide handlers; the Python side of the sandbox refuses it,
 * and this is the host's second line: should a handler be replaced anyway, it is put back within a
 * second, so the node always stops on SIGTERM.
 */
final class SignalGuard {
  private static final System.Logger LOG = System.getLogger(SignalGuard.class.getName());
  private static final long CHECK_MS = 1_000;
  private static boolean started;

  private SignalGuard() {}

  static synchronized void start() {
    if (started) return;
    started = true;
    Map<Signal, SignalHandler> kept = new LinkedHashMap<>();
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      try {
        Signal s = new Signal(name);
        // reading a handler means setting one: put it straight back, behind a wrapper of ours whose
        // identity tells later whether it is still in place
        SignalHandler[] original = new SignalHandler[1];
        SignalHandler ours = sig -> original[0].handle(sig);
        original[0] = Signal.handle(s, ours);
        // ignored by the process's parent (a background job of a script, nohup): the JVM keeps it
        // ignored whatever anyone asks, so there is no handler to guard (and every check would differ)
        if (original[0] == SignalHandler.SIG_IGN) continue;
        kept.put(s, ours);
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // the JVM does not let anyone handle it (e.g. -Xrs): nothing to guard
      }
    }
    if (kept.isEmpty()) return;
    Thread.ofPlatform().daemon().name("vserve-signal-guard").start(() -> {
      while (true) {
        try {
          Thread.sleep(CHECK_MS);
        } catch (InterruptedException e) {
          return;
        }
        kept.forEach((signal, handler) -> {
          SignalHandler found = Signal.handle(signal, handler);
          if (found != handler) {
            LOG.log(System.Logger.Level.WARNING, "the SIG" + signal.getName()
                + " handler was replaced (by code in a deployment?); restored the node's own");
          }
        });
      }
    });
  }
}
