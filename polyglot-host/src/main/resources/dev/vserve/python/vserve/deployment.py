from vserve import _context as _ctx
from vserve import autoscaling as _autoscaling
from vserve import tasks as _tasks
from vserve import options as _opts

# ---------------------------------------------------------------------------------------------
# configuration: @serve.deployment, .options(), .bind()

_OPTION_NAMES = {"name", "num_replicas", "max_ongoing_requests", "max_queued_requests", "ray_actor_options",
                 "num_cpus", "num_gpus", "memory", "resources", "graceful_shutdown_timeout_s", "idempotent",
                 "autoscaling_config", "user_config", "health_check_period_s", "health_check_timeout_s",
                 "version", "route_prefix", "logging_config", "backpressure_config", "request_router_config",
                 "request_router_class", "request_router_kwargs", "request_routing_stats_period_s",
                 "request_routing_stats_timeout_s"}
# Ray's older spelling of request_router_config's fields, as options of the deployment itself
_ROUTER_FIELDS = ("request_router_class", "request_router_kwargs", "request_routing_stats_period_s",
                  "request_routing_stats_timeout_s")
# Ray options vserve does not act on: each is said in the node's log when the application is
# deployed, never dropped silently
_IGNORED = {
    "version": "a redeploy compares the code and settings themselves (a change of code rolls the replicas)",
    "logging_config": "the node's log settings apply",
    "route_prefix": "set the route prefix in serve.run or the serve config (Ray deprecated it here too)",
}


def _config(options, name, warn=False):
    """The Java config of a deployment's options; with warn, says which options are not acted on."""
    cfg = {}
    options = dict(options)
    fields = {k: options.pop(k) for k in _ROUTER_FIELDS if options.get(k) is not None}
    if fields:
        if options.get("request_router_config") is not None:
            raise TypeError("deployment %s: set request_router_config or %s, not both" % (name, sorted(fields)))
        options["request_router_config"] = _opts.RequestRouterConfig(**fields)
    for k, v in options.items():
        if k not in _OPTION_NAMES:
            raise TypeError("deployment %s: unknown option '%s'" % (name, k))
        if v is None or k == "name":
            continue
        if k in _IGNORED:
            if warn:
                _ctx.host.warn("deployment %s: option '%s' has no effect: %s" % (name, k, _IGNORED[k]))
            continue
        if k == "autoscaling_config":
            v = _autoscaling._as_dict(v)
        if k == "backpressure_config":
            v = _opts._backpressure(v)
        if k == "request_router_config":
            v = _opts._router_config(v)
        cfg[k] = v
    return cfg


class Deployment:
    """What @serve.deployment returns: a class or function with its options, not yet bound."""

    def __init__(self, target, name, options):
        self.func_or_class = target
        self.name = name
        self._options = dict(options)

    def options(self, **changes):
        merged = dict(self._options)
        merged.update(changes)
        return Deployment(self.func_or_class, changes.get("name", self.name), merged)

    def bind(self, *args, **kwargs):
        return Application(self, args, kwargs)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("deployment %s cannot be called directly; use .bind() and serve.run()" % self.name)


class JavaDeployment(Deployment):
    """A Java deployment class, to bind into a Python application: java_deployment("pkg.Class")."""

    def __init__(self, class_name, name, options):
        Deployment.__init__(self, None, name, options)
        self.java_class = class_name

    def options(self, **changes):
        merged = dict(self._options)
        merged.update(changes)
        return JavaDeployment(self.java_class, changes.get("name", self.name), merged)


def java_deployment(class_name, **options):
    """A Java deployment by class name (nested classes with $), with Ray-style option overrides."""
    return JavaDeployment(class_name, options.get("name"), options)


class Application:
    """A bound deployment and, through its arguments, the deployments it calls."""

    def __init__(self, deployment, args, kwargs):
        self._deployment = deployment
        self._args = args
        self._kwargs = kwargs


def deployment(_target=None, **options):
    def wrap(target):
        name = options.get("name") or target.__name__
        _config(options, name)   # unknown options fail here, at the decorator
        return Deployment(target, name, options)
    return wrap(_target) if _target is not None else wrap


def run(target, name="default", route_prefix="/", blocking=False, **unsupported):
    """Under the launcher, records what to deploy; in a replica, does nothing (the file is re-read there)."""
    if unsupported and _ctx.loading:
        _ctx.host.warn("serve.run(%s): not supported, the application deploys without it" % ", ".join(sorted(unsupported)))
    if _ctx.loading:
        _ctx.runs.append((target, name, route_prefix))
    return None


def _describe(app, seen=None):
    """The launcher's view of an Application graph: plain data the host turns into Java objects.
    A deployment bound once and passed twice stays one deployment (its id)."""
    if seen is None:
        seen = {}
    key = id(app)
    if key in seen:
        return {"@vserve.app": {"id": key}}
    seen[key] = True
    d = app._deployment

    def arg(a):
        return _describe(a, seen) if isinstance(a, Application) else a
    if isinstance(d, JavaDeployment):
        if app._kwargs:
            raise TypeError("Java deployment %s takes positional bind() arguments only" % d.java_class)
        return {"@vserve.app": {"id": key, "name": d.name, "java": d.java_class,
                                "config": _config(d._options, d.name, True), "args": [arg(a) for a in app._args],
                                "kwargs": {}}}
    target = d.func_or_class
    if "<locals>" in target.__qualname__:
        raise TypeError("deployment %s is defined inside a function; define it at module level" % d.name)
    return {"@vserve.app": {"id": key, "name": d.name, "qualname": target.__qualname__,
                            "config": _config(d._options, d.name, True),
                            "tasks": _tasks._describe(target) if isinstance(target, type) else None,
                            "args": [arg(a) for a in app._args],
                            "kwargs": {k: arg(v) for k, v in app._kwargs.items()}}}
