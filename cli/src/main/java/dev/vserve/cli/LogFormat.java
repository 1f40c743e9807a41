package dev.vserve.cli;

import dev.vserve.impl.Json;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record for the whole process: vserve (System.Logger), Vert.x and Hazelcast log
 * through java.util.logging, DJL through SLF4J into it (slf4j-jdk14), and this is its one handler.
 * {@code text}: {@code time level component message [key=value...]}; {@code json}: one object per line.
 * A record whose first parameter is a map (the access log) carries those fields.
 */
final class LogFormat extends Formatter {
  private final boolean json;

  private LogFormat(boolean json) {
    this.json = json;
  }

  static LogFormat text() {
    return new LogFormat(false);
  }

  static LogFormat json() {
    return new LogFormat(true);
  }

  /** Replaces the JVM's logging setup: one handler on stderr, this format, INFO and above. */
  static void install(String format) {
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException("--log-format is text or json, got '" + format + "'");
    }
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler h = new ConsoleHandler();
    h.setFormatter(new LogFormat(format.equals("json")));
    h.setLevel(Level.ALL);
    root.addHandler(h);
    root.setLevel(Level.INFO);
    // DJL probes for CUDA and says so twice at WARN on every CPU machine, then four INFO lines on its
    // engine: DjlModel says engine and device in one line instead
    quiet("ai.djl", Level.WARNING);
    quiet("ai.djl.util.cuda.CudaUtils", Level.SEVERE);
    // "CP Subsystem is not enabled ... UNSAFE mode" on every clustered start: the controller's election
    // lock is a Hazelcast lock without CP (which needs 3+ members); the README's cluster section says
    // what that means and how to enable CP
    quiet("com.hazelcast.cp.internal.CPSubsystemImpl", Level.SEVERE);
    // vertx-micrometer-metrics 5.0.10 registers its event-bus handler gauge twice at start; Micrometer
    // keeps the first and warns once: nothing for an operator to do
    Logger meters = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");
    meters.setFilter(r -> r.getMessage() == null || !r.getMessage().contains("name='vertx.eventbus.handlers'"));
    KEPT.add(meters);
  }

  /** java.util.logging holds loggers weakly: a level set on one nobody keeps is lost with it. */
  private static final java.util.List<Logger> KEPT = new java.util.ArrayList<>();

  private static void quiet(String logger, Level level) {
    Logger l = Logger.getLogger(logger);
    l.setLevel(level);
    KEPT.add(l);
  }

  @Override
  public String format(LogRecord r) {
    String time = Instant.ofEpochMilli(r.getMillis()).toString();
    String message = formatMessage(r);
    Map<?, ?> fields = r.getParameters() != null && r.getParameters().length > 0
        && r.getParameters()[0] instanceof Map<?, ?> m ? m : Map.of();
    Throwable t = r.getThrown();
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("time", time);
      out.put("level", level(r.getLevel()));
      out.put("component", component(r.getLoggerName()));
      out.put("message", message);
      fields.forEach((k, v) -> out.put(String.valueOf(k), v));
      if (t != null) {
        out.put("error", t.toString());
        out.put("stack", stack(t));
      }
      return new String(Json.encode(out), java.nio.charset.StandardCharsets.UTF_8) + System.lineSeparator();
    }
    StringBuilder b = new StringBuilder(128).append(time).append(' ');
    String level = level(r.getLevel());
    b.append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
    b.append(component(r.getLoggerName())).append(": ").append(oneLine(message));
    fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(oneLine(String.valueOf(v))));
    if (t != null) b.append(" error=").append(oneLine(t.toString()));
    return b.append(System.lineSeparator()).toString();
  }

  /** The message's own format of a record with a map parameter is its text, not {0}-style. */
  @Override
  public synchronized String formatMessage(LogRecord r) {
    if (r.getParameters() != null && r.getParameters().length > 0 && r.getParameters()[0] instanceof Map) {
      return r.getMessage();
    }
    return super.formatMessage(r);
  }

  private static String level(Level l) {
    if (l.intValue() >= Level.SEVERE.intValue()) return "ERROR";
    if (l.intValue() >= Level.WARNING.intValue()) return "WARN";
    if (l.intValue() >= Level.INFO.intValue()) return "INFO";
    return "DEBUG";
  }

  /** vserve's classes by simple name, libraries by name: "ProxyVerticle", "vertx", "hazelcast", "djl". */
  static String component(String logger) {
    if (logger == null || logger.isEmpty()) return "root";
    if (logger.startsWith("dev.vserve.")) return logger.substring(logger.lastIndexOf('.') + 1);
    if (logger.startsWith("io.vertx.")) return "vertx";
    if (logger.startsWith("com.hazelcast.")) return "hazelcast";
    if (logger.startsWith("ai.djl.")) return "djl";
    return logger;
  }

  private static String oneLine(String s) {
    return s.indexOf('\n') < 0 ? s : s.replace("\r", "").replace("\n", " | ");
  }

  private static String stack(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
