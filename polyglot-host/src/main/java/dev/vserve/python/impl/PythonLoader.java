package dev.vserve.python.impl;

import dev.vserve.Application;
import dev.vserve.DeploymentConfig;
import dev.vserve.spi.ApplicationLoader;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the Java {@link Application} graph from what a Python file binds. */
public final class PythonLoader {
  private static final String APP = "@vserve.app";

  private PythonLoader() {}

  public static ApplicationLoader.Loaded load(String target) {
    String file = target;
    String attr = null;
    int colon = target.lastIndexOf(".py:");
    if (colon >= 0) {
      file = target.substring(0, colon + 3);
      attr = target.substring(colon + 4);
    }
    Path path = Path.of(file).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) throw new IllegalArgumentException("no Python file " + file);
    String wanted = attr == null ? "app" : attr;
    boolean named = attr != null;
    Context ctx = PythonEngine.newContext(path.getParent());
    ctx.enter();
    try {
      Value vserve = PythonEngine.install(ctx, new HostBridge(null, a -> a, path.getParent(), null), true);
      Value module = Modules.loadModule(path);
      if (named && !module.hasMember(wanted)) throw new IllegalArgumentException(file + " has no attribute '" + wanted + "'");
      Value value = module.hasMember(wanted) ? module.getMember(wanted) : null;
      Value r = vserve.getMember("_application").execute(value, wanted, named);
      if (!r.getArrayElement(0).asBoolean()) throw new IllegalArgumentException(file + ": " + r.getArrayElement(1).asString());
      Value out = r.getArrayElement(1);
      Object graph = PyValues.toJava(out.getArrayElement(0));
      Value name = out.getArrayElement(1);
      Value prefix = out.getArrayElement(2);
      return new ApplicationLoader.Loaded(build(graph, path, new HashMap<>()),
          name.isNull() ? null : name.asString(), prefix.isNull() ? null : prefix.asString());
    } finally {
      ctx.leave();
      ctx.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static Application build(Object described, Path file, Map<Object, Application> built) {
    Map<String, Object> d = (Map<String, Object>) ((Map<String, Object>) described).get(APP);
    Application done = built.get(d.get("id"));
    if (done != null) return done;
    String name = (String) d.get("name");
    List<Object> args = new ArrayList<>();
    for (Object a : (List<Object>) d.get("args")) args.add(arg(a, file, built));
    Map<String, Object> settings = (Map<String, Object>) d.get("config");
    if (d.get("java") instanceof String className) {
      Application app = javaDeployment(className, name, settings, args);
      built.put(d.get("id"), app);
      return app;
    }
    DeploymentConfig config = new DeploymentConfig().apply(settings, name);
    if (d.get("tasks") instanceof Map<?, ?> tasks) {
      config.setTaskConsumer(dev.vserve.impl.Json.<dev.vserve.tasks.TaskProcessorConfig>convert(tasks, dev.vserve.tasks.TaskProcessorConfig.class).validate(name));
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    ((Map<String, Object>) d.get("kwargs")).forEach((k, v) -> kwargs.put(k, arg(v, file, built)));
    Application app = Application.ofCode(new PythonReplica.Code(file, (String) d.get("qualname")).toString(), name,
        config, args, kwargs);
    built.put(d.get("id"), app);
    return app;
  }

  /** A Java class bound from Python: its own annotations, then the Python side's overrides. */
  private static Application javaDeployment(String className, String name, Map<String, Object> settings, List<Object> args) {
    Class<?> type = JavaDeployments.check(className);
    dev.vserve.DeploymentSpec<?> spec = dev.vserve.DeploymentSpec.of(type);
    if (name != null) spec = spec.name(name);
    String n = spec.name();
    return spec.options(c -> c.apply(settings, n)).bind(args.toArray());
  }

  private static Object arg(Object a, Path file, Map<Object, Application> built) {
    return a instanceof Map<?, ?> m && m.size() == 1 && m.containsKey(APP) ? build(a, file, built) : a;
  }

  /** A Python deployment for a Java graph; its Ray-style options come from the decorator when it has one. */
  public static Application deployment(String file, String qualname, DeploymentConfig config, Object... initArgs) {
    Path path = Path.of(file).toAbsolutePath().normalize();
    String name = qualname.substring(qualname.lastIndexOf('.') + 1);
    return Application.ofCode(new PythonReplica.Code(path, qualname).toString(), name, config, List.of(initArgs), Map.of());
  }
}
