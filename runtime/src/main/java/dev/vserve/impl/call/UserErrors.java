package dev.vserve.impl.call;

/**
 * How a failure in user code is logged: one line per request, naming the exception and where in the
 * user's code it was thrown; the whole stack trace only at DEBUG. A bad request that makes a handler
 * throw must not flood the log with a trace each time.
 */
public final class UserErrors {
  private UserErrors() {}

  /** {@code Type: message (at Class.method(File.java:12))}, causes joined with "caused by". */
  public static String summary(Throwable t) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (Throwable c = t; c != null && depth < 3; c = c.getCause() == c ? null : c.getCause(), depth++) {
      if (depth > 0) out.append("; caused by ");
      out.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) out.append(": ").append(firstLine(c.getMessage()));
      StackTraceElement at = firstUserFrame(c);
      if (at != null) out.append(" (at ").append(at).append(')');
    }
    return out.toString();
  }

  /** Logs {@code what} failing with {@code t}: one line at WARNING, the trace at DEBUG. */
  /** The context fields of a log line about one call, in the order the log format prints them. */
  public static java.util.Map<String, String> fields(String requestId, String app, String deployment, String replica) {
    java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
    f.put("request_id", requestId);
    f.put("app", app);
    f.put("deployment", deployment);
    f.put("replica", replica);
    return f;
  }

  public static void log(System.Logger log, String what, Throwable t) {
    log(log, what, t, null);
  }

  /**
   * The same with context fields (request id, application, deployment, replica): the command line's
   * log format prints them as {@code key=value} or JSON fields; other formats show the message alone.
   */
  public static void log(System.Logger log, String what, Throwable t, java.util.Map<String, ?> fields) {
    String line = what + ": " + summary(t);
    if (fields == null) log.log(System.Logger.Level.WARNING, line);
    else log.log(System.Logger.Level.WARNING, (java.util.ResourceBundle) null, line, fields);
    if (log.isLoggable(System.Logger.Level.DEBUG)) log.log(System.Logger.Level.DEBUG, what, t);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl) + " ...";
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  private static StackTraceElement firstUserFrame(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      String c = e.getClassName();
      if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("dev.vserve.impl.")
          || c.startsWith("dev.vserve.replica.") || c.startsWith("io.vertx.")) continue;
      return e;
    }
    return t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
  }
}
