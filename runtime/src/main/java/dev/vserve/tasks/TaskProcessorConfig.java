package dev.vserve.tasks;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A task consumer's queue and its rules (Ray's {@code TaskProcessorConfig}), with the handlers of its
 * deployment. Ray's broker settings ({@code adapter}, {@code adapter_config}) have no counterpart: the
 * queue lives in the cluster itself.
 */
public final class TaskProcessorConfig {
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final double DEFAULT_VISIBILITY_TIMEOUT_S = 30;
  public static final double DEFAULT_RETRY_DELAY_S = 1;
  public static final double DEFAULT_RESULT_TTL_S = 86_400;

  private String queueName;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private String failedTaskQueueName;
  private String unprocessableTaskQueueName;
  private double visibilityTimeoutS = DEFAULT_VISIBILITY_TIMEOUT_S;
  private double retryDelayS = DEFAULT_RETRY_DELAY_S;
  private double resultTtlS = DEFAULT_RESULT_TTL_S;
  private Map<String, Handler> handlers = new TreeMap<>();

  /**
   * One task handler: the method it calls and what it takes. {@code keywords}: the code takes keyword
   * arguments as such (Python); otherwise they are put in place of the parameters they name (Java).
   * {@code javaTypes}: the parameter types' names, to check arguments before they are queued.
   */
  public record Handler(String method, List<String> params, int required, boolean varArgs, boolean varKwargs,
                        List<String> keywordOnly, boolean keywords, List<String> javaTypes) {
    public Handler {
      params = params == null ? List.of() : List.copyOf(params);
      keywordOnly = keywordOnly == null ? List.of() : List.copyOf(keywordOnly);
      javaTypes = javaTypes == null ? List.of() : List.copyOf(javaTypes);
    }
  }

  public TaskProcessorConfig() {}

  /** The configuration a class declares with {@link TaskConsumer}, handlers included; null without one. */
  public static TaskProcessorConfig of(Class<?> type) {
    TaskConsumer tc = type.getAnnotation(TaskConsumer.class);
    if (tc == null) return null;
    TaskProcessorConfig c = new TaskProcessorConfig().setQueueName(tc.queue()).setMaxRetries(tc.maxRetries())
        .setVisibilityTimeoutS(tc.visibilityTimeoutS()).setRetryDelayS(tc.retryDelayS()).setResultTtlS(tc.resultTtlS());
    if (!tc.failedTaskQueue().isEmpty()) c.setFailedTaskQueueName(tc.failedTaskQueue());
    if (!tc.unprocessableTaskQueue().isEmpty()) c.setUnprocessableTaskQueueName(tc.unprocessableTaskQueue());
    for (Method m : type.getMethods()) {
      TaskHandler h = m.getAnnotation(TaskHandler.class);
      if (h == null) continue;
      String name = h.value().isEmpty() ? m.getName() : h.value();
      List<String> params = new ArrayList<>();
      List<String> types = new ArrayList<>();
      for (Parameter p : m.getParameters()) {
        params.add(p.getName());
        types.add(p.getParameterizedType().getTypeName());
      }
      if (c.handlers.put(name, new Handler(m.getName(), params, params.size(), false, false, List.of(), false, types)) != null) {
        throw new IllegalArgumentException(type.getName() + ": two @TaskHandler methods handle tasks named '" + name + "'");
      }
    }
    return c.validate(type.getName());
  }

  /** Fails naming the deployment when the settings cannot work. */
  public TaskProcessorConfig validate(String deployment) {
    if (queueName == null || queueName.isBlank()) throw invalid(deployment, "queue_name is required");
    if (!queueName.matches("[A-Za-z0-9_.:-]{1,200}")) {
      throw invalid(deployment, "queue_name '" + queueName + "' must be 1-200 letters, digits or _ . : -");
    }
    if (maxRetries < 0) throw invalid(deployment, "max_retries must be >= 0, got " + maxRetries);
    if (!(visibilityTimeoutS > 0)) throw invalid(deployment, "visibility_timeout_s must be > 0, got " + visibilityTimeoutS);
    if (!(retryDelayS >= 0)) throw invalid(deployment, "retry_delay_s must be >= 0, got " + retryDelayS);
    if (!(resultTtlS > 0)) throw invalid(deployment, "result_ttl_s must be > 0, got " + resultTtlS);
    if (handlers.isEmpty()) throw invalid(deployment, "a task consumer needs at least one task handler method");
    if (queueName.equals(failedTaskQueueName) || queueName.equals(unprocessableTaskQueueName)) {
      throw invalid(deployment, "the dead-letter queues must differ from queue_name '" + queueName + "'");
    }
    return this;
  }

  private static IllegalArgumentException invalid(String deployment, String why) {
    return new IllegalArgumentException("task consumer " + deployment + ": " + why);
  }

  public TaskProcessorConfig copy() {
    TaskProcessorConfig c = new TaskProcessorConfig();
    c.queueName = queueName;
    c.maxRetries = maxRetries;
    c.failedTaskQueueName = failedTaskQueueName;
    c.unprocessableTaskQueueName = unprocessableTaskQueueName;
    c.visibilityTimeoutS = visibilityTimeoutS;
    c.retryDelayS = retryDelayS;
    c.resultTtlS = resultTtlS;
    c.handlers = new TreeMap<>(handlers);
    return c;
  }

  /** The delay before the attempt after {@code failedAttempts} failures: doubling, up to a minute. */
  public long retryDelayMs(int failedAttempts) {
    double s = retryDelayS * Math.pow(2, Math.max(0, failedAttempts - 1));
    return (long) (Math.min(60, s) * 1000);
  }

  public String getQueueName() { return queueName; }
  public TaskProcessorConfig setQueueName(String v) { queueName = v; return this; }
  public int getMaxRetries() { return maxRetries; }
  public TaskProcessorConfig setMaxRetries(int v) { maxRetries = v; return this; }
  public String getFailedTaskQueueName() { return failedTaskQueueName; }
  public TaskProcessorConfig setFailedTaskQueueName(String v) { failedTaskQueueName = v; return this; }
  public String getUnprocessableTaskQueueName() { return unprocessableTaskQueueName; }
  public TaskProcessorConfig setUnprocessableTaskQueueName(String v) { unprocessableTaskQueueName = v; return this; }
  public double getVisibilityTimeoutS() { return visibilityTimeoutS; }
  public TaskProcessorConfig setVisibilityTimeoutS(double v) { visibilityTimeoutS = v; return this; }
  public double getRetryDelayS() { return retryDelayS; }
  public TaskProcessorConfig setRetryDelayS(double v) { retryDelayS = v; return this; }
  public double getResultTtlS() { return resultTtlS; }
  public TaskProcessorConfig setResultTtlS(double v) { resultTtlS = v; return this; }
  public Map<String, Handler> getHandlers() { return handlers; }
  public TaskProcessorConfig setHandlers(Map<String, Handler> v) { handlers = new TreeMap<>(v); return this; }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskProcessorConfig c && Objects.equals(queueName, c.queueName) && maxRetries == c.maxRetries
        && Objects.equals(failedTaskQueueName, c.failedTaskQueueName)
        && Objects.equals(unprocessableTaskQueueName, c.unprocessableTaskQueueName)
        && visibilityTimeoutS == c.visibilityTimeoutS && retryDelayS == c.retryDelayS && resultTtlS == c.resultTtlS
        && handlers.equals(c.handlers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queueName, maxRetries);
  }
}
