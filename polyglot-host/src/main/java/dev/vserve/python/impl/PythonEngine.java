package dev.vserve.python.impl;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The one GraalPy engine of this JVM and the contexts made on it. Sharing the engine shares parsed
 * and compiled code: the first context costs seconds, later ones a fraction of that.
 *
 * <p>What Python code may do: call the objects vserve hands it (handles, the request, models) and
 * nothing else of the host (no Java class lookup, no host reflection), read files only under its
 * application's directory, write none, start no processes and no threads, no native code.
 */
public final class PythonEngine {
  private static final System.Logger LOG = System.getLogger(PythonEngine.class.getName());
  private static volatile Engine engine;
  private static volatile List<List<String>> packageSources;
  private static volatile String sandboxSource;
  /** The modules of the {@code vserve} package, in the order they import each other; the package itself last. */
  private static final List<String> PACKAGE = List.of("_context", "autoscaling", "metrics", "handle", "tasks", "options", "request_router", "deployment", "batching", "http", "models",
      "tracebacks", "loading", "driver", "__init__");

  /** Host objects Python sees: annotated bridge methods, and Java lists, maps and arrays as sequences. */
  static final HostAccess ACCESS = HostAccess.newBuilder(HostAccess.EXPLICIT)
      .allowListAccess(true).allowMapAccess(true).allowArrayAccess(true)
      .allowIterableAccess(true).allowIteratorAccess(true).allowBufferAccess(true)
      .build();

  private PythonEngine() {}

  static Engine engine() {
    Engine e = engine;
    if (e != null) return e;
    synchronized (PythonEngine.class) {
      if (engine == null) {
        long t0 = System.nanoTime();
        engine = Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build();
        SignalGuard.start();
        System.out.println("vserve: Python " + engine.getLanguages().get("python").getVersion() + " on GraalPy, " + mode(engine)
            + " (engine ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms)");
      }
      return engine;
    }
  }

  /** Which way GraalPy runs: with the optimizing JIT only when the matching Graal compiler is loaded. */
  static String mode(Engine e) {
    String impl = e.getImplementationName();
    return impl.toLowerCase(java.util.Locale.ROOT).contains("interpreted")
        ? "interpreter only (no matching Graal compiler on --upgrade-module-path; pure-Python code runs about 10x slower)"
        : "optimizing JIT (" + impl + ")";
  }

  /**
   * A context for code from {@code appDir}: readable there and nowhere else (and GraalPy's own home:
   * {@code allowLanguageHomeAccess}, deprecated for {@code allowInternalResources}, which 25.0.3 does
   * not have yet).
   */
  @SuppressWarnings("deprecation")
  static Context newContext(Path appDir) {
    Path dir = appDir.toAbsolutePath().normalize();
    return Context.newBuilder("python")
        .engine(engine())
        .allowHostAccess(ACCESS)
        .allowHostClassLookup(name -> false)
        .allowPolyglotAccess(PolyglotAccess.NONE)
        .allowCreateThread(false)
        .allowCreateProcess(false)
        .allowNativeAccess(false)
        .allowIO(IOAccess.newBuilder().fileSystem(org.graalvm.polyglot.io.FileSystem.allowLanguageHomeAccess(new AppFileSystem(dir))).build())
        .option("python.PythonPath", dir.toString())
        .option("python.ForceImportSite", "false")
        .build();
  }

  /** Installs the {@code vserve} package (and the Starlette/FastAPI names it stands in for) into {@code ctx}. */
  static Value install(Context ctx, Object host, boolean loading) {
    Value bootstrap = ctx.eval("python", BOOTSTRAP);
    if (sandboxSource == null) sandboxSource = resource("sandbox.py");
    if (packageSources == null) {
      List<List<String>> modules = new java.util.ArrayList<>();
      for (String name : PACKAGE) modules.add(List.of(name, resource("vserve/" + name + ".py")));
      packageSources = List.copyOf(modules);
    }
    return bootstrap.execute(sandboxSource, packageSources, host, loading);
  }

  private static String resource(String name) {
    try (InputStream in = PythonEngine.class.getResourceAsStream("/dev/vserve/python/" + name)) {
      if (in == null) throw new IllegalStateException(name + " missing from the polyglot-host jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String BOOTSTRAP = """
      import sys
      def _install(sandbox, modules, host, loading):
          guard = {"__name__": "vserve._sandbox"}
          exec(compile(sandbox, "vserve/sandbox.py", "exec"), guard)
          guard["install"]()
          new = type(sys)
          m = new("vserve")
          m.__file__ = "vserve/__init__.py"
          m.__path__ = []
          m.__package__ = "vserve"
          sys.modules["vserve"] = m
          for name, src in modules:
              if name == "__init__":
                  mod = m
              else:
                  mod = new("vserve." + name)
                  mod.__file__ = "vserve/" + name + ".py"
                  mod.__package__ = "vserve"
                  sys.modules["vserve." + name] = mod
                  setattr(m, name, mod)
              exec(compile(src, "vserve/" + name + ".py", "exec"), mod.__dict__)
              if name == "_context":
                  mod.host = host
                  mod.loading = loading
          def module(name, **attrs):
              mod = new(name)
              mod.__path__ = []
              mod.__dict__.update(attrs)
              sys.modules[name] = mod
              return mod
          names = ("deployment", "run", "batch", "ingress", "multiplexed", "get_multiplexed_model_id",
                   "get_app_handle", "get_deployment_handle", "get_replica_context", "Deployment",
                   "Application", "java_deployment", "DeploymentHandle", "DeploymentResponse", "DeploymentResponseGenerator",
                   "HTTPException", "Request", "StreamingResponse")
          serve = module("vserve.serve", **{n: getattr(m, n) for n in names})
          o = m.options
          serve.start, serve.shutdown, serve.delete, serve.status = o.start, o.shutdown, o.delete, o.status
          h = m.handle
          serve.handle = module("vserve.serve.handle", DeploymentHandle=h.DeploymentHandle,
                                DeploymentResponse=h.DeploymentResponse,
                                DeploymentResponseGenerator=h.DeploymentResponseGenerator,
                                RayServeHandle=h.RayServeHandle, RayServeSyncHandle=h.RayServeSyncHandle)
          serve.exceptions = module("vserve.serve.exceptions", RayServeException=h.RayServeException,
                                    DeploymentError=h.DeploymentError, BackPressureError=h.BackPressureError,
                                    RequestCancelledError=h.RequestCancelledError)
          serve.config = module("vserve.serve.config", AutoscalingConfig=m.autoscaling.AutoscalingConfig,
                                AutoscalingPolicy=m.autoscaling.AutoscalingPolicy,
                                AutoscalingContext=m.autoscaling.AutoscalingContext,
                                BackpressureConfig=o.BackpressureConfig, HTTPOptions=o.HTTPOptions,
                                gRPCOptions=o.gRPCOptions, RequestRouterConfig=o.RequestRouterConfig)
          serve.metrics = module("vserve.serve.metrics", Counter=m.metrics.Counter, Gauge=m.metrics.Gauge,
                                 Histogram=m.metrics.Histogram)
          t = m.tasks
          serve.task_consumer = module("vserve.serve.task_consumer", task_consumer=t.task_consumer,
                                       task_handler=t.task_handler,
                                       instantiate_adapter_from_config=t.instantiate_adapter_from_config)
          serve.schema = module("vserve.serve.schema", TaskProcessorConfig=t.TaskProcessorConfig,
                                CeleryAdapterConfig=t.CeleryAdapterConfig, TaskResult=t.TaskResult,
                                TaskProcessorAdapter=t.TaskProcessorAdapter)
          r = m.request_router
          router_names = {n: getattr(r, n) for n in ("RequestRouter", "FIFOMixin", "LocalityMixin", "MultiplexMixin",
                                                      "PendingRequest", "ReplicaID", "ReplicaResult", "RunningReplica")}
          serve.request_router = module("vserve.serve.request_router", **router_names)
          module("vserve.serve._private", request_router=module("vserve.serve._private.request_router", **router_names))
          serve.context = module("vserve.serve.context", _get_internal_replica_context=m.get_replica_context)
          m.serve = serve
          # Ray Serve apps import these for type hints and responses; vserve's stand in
          responses = module("starlette.responses", Response=m.Response, JSONResponse=m.JSONResponse,
                             PlainTextResponse=m.PlainTextResponse, StreamingResponse=m.StreamingResponse)
          requests = module("starlette.requests", Request=m.Request)
          module("starlette", requests=requests, responses=responses)
          module("fastapi", FastAPI=m.FastAPI, Request=m.Request, HTTPException=m.HTTPException,
                 responses=responses)
          module("fastapi.responses", JSONResponse=m.JSONResponse, PlainTextResponse=m.PlainTextResponse,
                 StreamingResponse=m.StreamingResponse, Response=m.Response)
          return m
      _install
      """;

  static void log(String message) {
    LOG.log(System.Logger.Level.INFO, message);
  }
}
