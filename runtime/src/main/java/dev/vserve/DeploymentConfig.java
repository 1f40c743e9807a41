package dev.vserve;

import java.util.Objects;

/**
 * The per-deployment settings of Ray Serve, with its defaults. Mutable options object in the Vert.x
 * style; {@link #copy()} before changing a shared one.
 */
public final class DeploymentConfig {
  public static final int DEFAULT_NUM_REPLICAS = 1;
  public static final int DEFAULT_MAX_ONGOING_REQUESTS = 5;
  public static final int DEFAULT_MAX_QUEUED_REQUESTS = -1;
  public static final double DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT_S = 20.0;
  public static final double DEFAULT_HEALTH_CHECK_PERIOD_S = 10.0;
  public static final double DEFAULT_HEALTH_CHECK_TIMEOUT_S = 30.0;

  private int numReplicas = DEFAULT_NUM_REPLICAS;
  private int maxOngoingRequests = DEFAULT_MAX_ONGOING_REQUESTS;
  private int maxQueuedRequests = DEFAULT_MAX_QUEUED_REQUESTS;
  private double numCpus = 1.0;
  private double numGpus = 0.0;
  private double gracefulShutdownTimeoutS = DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT_S;
  private double healthCheckPeriodS = DEFAULT_HEALTH_CHECK_PERIOD_S;
  private double healthCheckTimeoutS = DEFAULT_HEALTH_CHECK_TIMEOUT_S;
  private double memory = 0.0;
  private java.util.Map<String, Double> resources = new java.util.TreeMap<>();
  private boolean idempotent;
  private Object userConfig;
  private AutoscalingConfig autoscalingConfig;
  private java.util.Map<String, BatchOptions> batchOptions = new java.util.HashMap<>();
  private dev.vserve.tasks.TaskProcessorConfig taskConsumer;
  private BackpressureConfig backpressure;
  private RequestRouterConfig requestRouter;

  public DeploymentConfig() {}

  /** The configuration a class declares with {@link Deployment}, or the defaults if it has none. */
  public static DeploymentConfig of(Class<?> type) {
    DeploymentConfig c = new DeploymentConfig();
    Deployment d = type.getAnnotation(Deployment.class);
    if (d != null) {
      c.numReplicas = d.numReplicas();
      c.maxOngoingRequests = d.maxOngoingRequests();
      c.maxQueuedRequests = d.maxQueuedRequests();
      c.numCpus = d.numCpus();
      c.numGpus = d.numGpus();
      c.gracefulShutdownTimeoutS = d.gracefulShutdownTimeoutS();
      c.healthCheckPeriodS = d.healthCheckPeriodS();
      c.healthCheckTimeoutS = d.healthCheckTimeoutS();
      c.memory = d.memory();
      c.idempotent = d.idempotent();
      if (d.autoscaling().length > 0) c.autoscalingConfig = fromAnnotation(d.autoscaling()[0]);
      if (d.requestRouter() != RequestRouter.class) c.requestRouter = new RequestRouterConfig(d.requestRouter());
    }
    c.taskConsumer = dev.vserve.tasks.TaskProcessorConfig.of(type);
    return c;
  }

  private static AutoscalingConfig fromAnnotation(Autoscaling a) {
    AutoscalingConfig c = new AutoscalingConfig().setMinReplicas(a.minReplicas()).setMaxReplicas(a.maxReplicas())
        .setTargetOngoingRequests(a.targetOngoingRequests()).setMetricsIntervalS(a.metricsIntervalS())
        .setLookBackPeriodS(a.lookBackPeriodS()).setUpscaleDelayS(a.upscaleDelayS()).setDownscaleDelayS(a.downscaleDelayS())
        .setAggregationFunction(a.aggregationFunction());
    if (a.initialReplicas() >= 0) c.setInitialReplicas(a.initialReplicas());
    if (a.downscaleToZeroDelayS() >= 0) c.setDownscaleToZeroDelayS(a.downscaleToZeroDelayS());
    if (a.upscalingFactor() > 0) c.setUpscalingFactor(a.upscalingFactor());
    if (a.downscalingFactor() > 0) c.setDownscalingFactor(a.downscalingFactor());
    if (a.policy() != AutoscalingPolicy.class) c.usePolicy(a.policy());
    return c;
  }

  public DeploymentConfig copy() {
    DeploymentConfig c = new DeploymentConfig();
    c.numReplicas = numReplicas;
    c.maxOngoingRequests = maxOngoingRequests;
    c.maxQueuedRequests = maxQueuedRequests;
    c.numCpus = numCpus;
    c.numGpus = numGpus;
    c.gracefulShutdownTimeoutS = gracefulShutdownTimeoutS;
    c.healthCheckPeriodS = healthCheckPeriodS;
    c.healthCheckTimeoutS = healthCheckTimeoutS;
    c.memory = memory;
    c.resources = new java.util.TreeMap<>(resources);
    c.idempotent = idempotent;
    c.userConfig = userConfig;
    c.autoscalingConfig = autoscalingConfig == null ? null : autoscalingConfig.copy();
    c.batchOptions = new java.util.HashMap<>(batchOptions);
    c.taskConsumer = taskConsumer == null ? null : taskConsumer.copy();
    c.backpressure = backpressure;
    c.requestRouter = requestRouter;
    return c;
  }

  /**
   * Applies overrides from a config file, with Ray Serve's names ({@code num_replicas},
   * {@code max_ongoing_requests}, {@code max_queued_requests}, {@code graceful_shutdown_timeout_s},
   * {@code num_cpus}, {@code num_gpus}, {@code memory}, {@code resources}, {@code health_check_period_s},
   * {@code health_check_timeout_s}, {@code user_config} (any JSON value), {@code autoscaling_config}
   * (or {@code num_replicas: auto}), also inside
   * {@code ray_actor_options}; {@code idempotent}, {@code backpressure_config}, {@code request_router_config})
   * or this class's camelCase ones. An unknown key or
   * a value of the wrong kind fails naming it.
   */
  public DeploymentConfig apply(java.util.Map<String, ?> overrides, String deploymentName) {
    boolean fixed = overrides.get("num_replicas") instanceof Number || overrides.get("numReplicas") instanceof Number;
    if (fixed && (overrides.get("autoscaling_config") != null || overrides.get("autoscalingConfig") != null)) {
      throw invalid(deploymentName, "num_replicas and autoscaling_config cannot both be set (autoscaling decides the count)");
    }
    for (var e : overrides.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if ((key.equals("num_replicas") || key.equals("numReplicas")) && "auto".equals(v)) {
        autoscalingConfig = AutoscalingConfig.auto();
        continue;
      }
      if (key.equals("autoscaling_config") || key.equals("autoscalingConfig")) {
        if (v == null) {
          autoscalingConfig = null;
          continue;
        }
        if (!(v instanceof java.util.Map<?, ?> m)) throw invalid(deploymentName, key + " must be a mapping, got " + describe(v));
        @SuppressWarnings("unchecked") var settings = (java.util.Map<String, ?>) m;
        autoscalingConfig = new AutoscalingConfig().apply(settings, deploymentName);
        continue;
      }
      if (fixed && (key.equals("num_replicas") || key.equals("numReplicas"))) autoscalingConfig = null;
      if (key.equals("ray_actor_options")) {
        if (!(v instanceof java.util.Map<?, ?> actor)) throw invalid(deploymentName, "ray_actor_options must be a mapping, got " + describe(v));
        @SuppressWarnings("unchecked") var m = (java.util.Map<String, ?>) actor;
        apply(m, deploymentName);
        continue;
      }
      if (key.equals("name")) continue;
      if (key.equals("backpressure_config")) {
        backpressure = v == null ? null : setting(deploymentName, () -> BackpressureConfig.of(v));
        continue;
      }
      if (key.equals("request_router_config")) {
        requestRouter = v == null ? null : setting(deploymentName, () -> RequestRouterConfig.of(v));
        continue;
      }
      if (key.equals("user_config") || key.equals("userConfig")) {
        userConfig = v;
        continue;
      }
      if (key.equals("idempotent")) {
        if (!(v instanceof Boolean b)) throw invalid(deploymentName, "idempotent must be true or false, got " + v);
        idempotent = b;
        continue;
      }
      if (key.equals("resources")) {
        if (!(v instanceof java.util.Map<?, ?> custom)) throw invalid(deploymentName, "resources must map names to amounts, got " + v);
        java.util.Map<String, Double> r = new java.util.TreeMap<>();
        for (var c : custom.entrySet()) {
          if (!(c.getValue() instanceof Number amount) || !Double.isFinite(amount.doubleValue())) throw invalid(deploymentName, "resource '" + c.getKey() + "' must be a number, got " + c.getValue());
          r.put(String.valueOf(c.getKey()), amount.doubleValue());
        }
        resources = r;
        continue;
      }
      if (!(v instanceof Number n)) throw invalid(deploymentName, key + " must be a number, got " + describe(v));
      if (!Double.isFinite(n.doubleValue())) throw invalid(deploymentName, key + " must be a finite number, got " + v);
      switch (key) {
        case "num_replicas", "numReplicas" -> numReplicas = whole(deploymentName, key, n);
        case "max_ongoing_requests", "maxOngoingRequests" -> maxOngoingRequests = whole(deploymentName, key, n);
        case "max_queued_requests", "maxQueuedRequests" -> maxQueuedRequests = whole(deploymentName, key, n);
        case "graceful_shutdown_timeout_s", "gracefulShutdownTimeoutS" -> gracefulShutdownTimeoutS = n.doubleValue();
        case "health_check_period_s", "healthCheckPeriodS" -> healthCheckPeriodS = n.doubleValue();
        case "health_check_timeout_s", "healthCheckTimeoutS" -> healthCheckTimeoutS = n.doubleValue();
        case "num_cpus", "numCpus" -> numCpus = n.doubleValue();
        case "num_gpus", "numGpus" -> numGpus = n.doubleValue();
        case "memory" -> memory = n.doubleValue();
        default -> throw invalid(deploymentName, "unknown setting '" + key + "'");
      }
    }
    return validate(deploymentName);
  }

  /** A setting parsed by its own class, whose complaint is named after the deployment. */
  private static <T> T setting(String deploymentName, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException bad) {
      throw invalid(deploymentName, bad.getMessage());
    }
  }

  private static int whole(String deploymentName, String key, Number n) {
    double d = n.doubleValue();
    if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
      throw invalid(deploymentName, key + " must be a whole number, got " + n);
    }
    return (int) d;
  }

  /** A config value as an error message names it. */
  static String describe(Object v) {
    return v instanceof String str ? "the string '" + str + "'" : v == null ? "nothing" : String.valueOf(v);
  }

  /** The most replicas one deployment may ask for: more is a typo, and would only queue up placements. */
  public static final int MAX_REPLICAS = 1024;

  /** Fails with a message naming the bad field; called before anything is deployed. */
  public DeploymentConfig validate(String deploymentName) {
    if (numReplicas < 1) throw invalid(deploymentName, "numReplicas must be >= 1, got " + numReplicas);
    if (numReplicas > MAX_REPLICAS) throw invalid(deploymentName, "numReplicas must be <= " + MAX_REPLICAS + ", got " + numReplicas);
    if (maxOngoingRequests < 1)
      throw invalid(deploymentName, "maxOngoingRequests must be >= 1, got " + maxOngoingRequests);
    if (maxQueuedRequests < -1)
      throw invalid(deploymentName, "maxQueuedRequests must be -1 (no limit) or >= 0, got " + maxQueuedRequests);
    if (numCpus < 0 || numGpus < 0) throw invalid(deploymentName, "numCpus and numGpus must be >= 0");
    if (numGpus > 1 && numGpus != Math.floor(numGpus))
      throw invalid(deploymentName, "numGpus above 1 must be a whole number, got " + numGpus);
    if (memory < 0) throw invalid(deploymentName, "memory must be >= 0 bytes");
    for (var r : resources.entrySet()) {
      if (r.getValue() < 0) throw invalid(deploymentName, "resource '" + r.getKey() + "' must be >= 0");
    }
    if (gracefulShutdownTimeoutS < 0) throw invalid(deploymentName, "gracefulShutdownTimeoutS must be >= 0");
    if (!(healthCheckPeriodS > 0)) throw invalid(deploymentName, "healthCheckPeriodS must be > 0, got " + healthCheckPeriodS);
    if (!(healthCheckTimeoutS > 0)) throw invalid(deploymentName, "healthCheckTimeoutS must be > 0, got " + healthCheckTimeoutS);
    if (autoscalingConfig != null) autoscalingConfig.validate(deploymentName);
    if (taskConsumer != null) taskConsumer.validate(deploymentName);
    return this;
  }

  private static IllegalArgumentException invalid(String name, String why) {
    return new IllegalArgumentException("deployment '" + name + "': " + why);
  }

  public int getNumReplicas() { return numReplicas; }
  public DeploymentConfig setNumReplicas(int v) { numReplicas = v; return this; }
  public int getMaxOngoingRequests() { return maxOngoingRequests; }
  public DeploymentConfig setMaxOngoingRequests(int v) { maxOngoingRequests = v; return this; }
  public int getMaxQueuedRequests() { return maxQueuedRequests; }
  public DeploymentConfig setMaxQueuedRequests(int v) { maxQueuedRequests = v; return this; }
  public double getNumCpus() { return numCpus; }
  public DeploymentConfig setNumCpus(double v) { numCpus = v; return this; }
  public double getNumGpus() { return numGpus; }
  public DeploymentConfig setNumGpus(double v) { numGpus = v; return this; }
  public double getGracefulShutdownTimeoutS() { return gracefulShutdownTimeoutS; }
  public DeploymentConfig setGracefulShutdownTimeoutS(double v) { gracefulShutdownTimeoutS = v; return this; }

  /** Seconds between two runs of the replica's health check ({@code checkHealth()} / Python {@code check_health}). */
  public double getHealthCheckPeriodS() { return healthCheckPeriodS; }
  public DeploymentConfig setHealthCheckPeriodS(double v) { healthCheckPeriodS = v; return this; }
  /** Seconds a health check may run before the replica counts as failed. */
  public double getHealthCheckTimeoutS() { return healthCheckTimeoutS; }
  public DeploymentConfig setHealthCheckTimeoutS(double v) { healthCheckTimeoutS = v; return this; }

  /** Bytes of memory a replica reserves on its node (placement only; 0: none). */
  public double getMemory() { return memory; }
  public DeploymentConfig setMemory(double v) { memory = v; return this; }
  /** Custom resources a replica needs, as Ray's {@code resources} (nodes advertise theirs). */
  public java.util.Map<String, Double> getResources() { return resources; }
  public DeploymentConfig setResources(java.util.Map<String, Double> v) { resources = new java.util.TreeMap<>(v); return this; }
  /**
   * Calls may run twice: one that was in flight on a node that died is sent once more to another
   * replica. HTTP GET requests are retried whatever this says.
   */
  public boolean isIdempotent() { return idempotent; }
  public DeploymentConfig setIdempotent(boolean v) { idempotent = v; return this; }

  /**
   * Ray's {@code user_config}: JSON-shaped settings each replica receives through its
   * {@code reconfigure(config)} method right after it is constructed (null: none, and no call).
   */
  public Object getUserConfig() { return userConfig; }
  public DeploymentConfig setUserConfig(Object v) { userConfig = v; return this; }

  /**
   * Ray's {@code autoscaling_config}: when set, the controller decides the number of replicas (and
   * {@link #getNumReplicas()} is not used); null: a fixed fleet of {@code numReplicas}.
   */
  public AutoscalingConfig getAutoscalingConfig() { return autoscalingConfig; }
  public DeploymentConfig setAutoscalingConfig(AutoscalingConfig v) { autoscalingConfig = v; return this; }
  /** Ray's {@code num_replicas="auto"}: autoscaling with its defaults (1 to 100 replicas, 2 ongoing requests each). */
  public DeploymentConfig setNumReplicasAuto() { autoscalingConfig = AutoscalingConfig.auto(); return this; }

  /** Overrides the {@link Batch} settings of the method {@code method}. */
  public DeploymentConfig setBatchOptions(String method, BatchOptions options) {
    batchOptions.put(method, options);
    return this;
  }

  public java.util.Map<String, BatchOptions> getBatchOptions() { return batchOptions; }

  /** The answer to requests refused for back pressure (Ray's {@code backpressure_config}); null: 503, no Retry-After. */
  public BackpressureConfig getBackpressure() { return backpressure; }
  public DeploymentConfig setBackpressure(BackpressureConfig v) { backpressure = v; return this; }

  /** The deployment's own request router (Ray's {@code request_router_config}); null: the node's default. */
  public RequestRouterConfig getRequestRouter() { return requestRouter; }
  public DeploymentConfig setRequestRouter(RequestRouterConfig v) { requestRouter = v; return this; }

  /** The queue this deployment consumes and its handlers ({@link dev.vserve.tasks.TaskConsumer}); null: none. */
  public dev.vserve.tasks.TaskProcessorConfig getTaskConsumer() { return taskConsumer; }
  public DeploymentConfig setTaskConsumer(dev.vserve.tasks.TaskProcessorConfig v) { taskConsumer = v; return this; }

  public void setBatchOptions(java.util.Map<String, BatchOptions> v) { batchOptions = new java.util.HashMap<>(v); }

  /**
   * The settings in a config file's terms (Ray's names), as {@code vserve build} writes them: reading
   * them back with {@link #apply} gives this configuration again. Batch settings stay in the code.
   */
  public java.util.Map<String, Object> toMap() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (autoscalingConfig == null) m.put("num_replicas", numReplicas); else m.put("autoscaling_config", autoscalingConfig.toMap());
    m.put("max_ongoing_requests", maxOngoingRequests);
    m.put("max_queued_requests", maxQueuedRequests);
    m.put("graceful_shutdown_timeout_s", gracefulShutdownTimeoutS);
    m.put("health_check_period_s", healthCheckPeriodS);
    m.put("health_check_timeout_s", healthCheckTimeoutS);
    java.util.Map<String, Object> actor = new java.util.LinkedHashMap<>();
    actor.put("num_cpus", numCpus);
    actor.put("num_gpus", numGpus);
    if (memory > 0) actor.put("memory", memory);
    if (!resources.isEmpty()) actor.put("resources", new java.util.TreeMap<>(resources));
    m.put("ray_actor_options", actor);
    if (idempotent) m.put("idempotent", true);
    if (userConfig != null) m.put("user_config", userConfig);
    if (backpressure != null) m.put("backpressure_config", backpressure.toMap());
    if (requestRouter != null) m.put("request_router_config", requestRouter.toMap());
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeploymentConfig c && numReplicas == c.numReplicas
        && maxOngoingRequests == c.maxOngoingRequests && maxQueuedRequests == c.maxQueuedRequests
        && numCpus == c.numCpus && numGpus == c.numGpus
        && gracefulShutdownTimeoutS == c.gracefulShutdownTimeoutS && memory == c.memory
        && healthCheckPeriodS == c.healthCheckPeriodS && healthCheckTimeoutS == c.healthCheckTimeoutS
        && resources.equals(c.resources) && idempotent == c.idempotent && batchOptions.equals(c.batchOptions)
        && Objects.equals(userConfig, c.userConfig) && Objects.equals(autoscalingConfig, c.autoscalingConfig)
        && Objects.equals(taskConsumer, c.taskConsumer) && Objects.equals(backpressure, c.backpressure)
        && Objects.equals(requestRouter, c.requestRouter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(numReplicas, maxOngoingRequests, maxQueuedRequests, numCpus, numGpus, gracefulShutdownTimeoutS);
  }

  @Override
  public String toString() {
    return "DeploymentConfig{numReplicas=" + numReplicas + ", maxOngoingRequests=" + maxOngoingRequests
        + ", maxQueuedRequests=" + maxQueuedRequests + ", numCpus=" + numCpus + ", numGpus=" + numGpus + ", memory=" + memory + ", resources=" + resources + ", idempotent=" + idempotent
        + ", healthCheckPeriodS=" + healthCheckPeriodS + ", healthCheckTimeoutS=" + healthCheckTimeoutS
        + (autoscalingConfig == null ? "" : ", autoscalingConfig=" + autoscalingConfig.toMap()) + "}";
  }
}
