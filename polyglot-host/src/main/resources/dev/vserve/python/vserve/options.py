from vserve import _context as _ctx

# ---------------------------------------------------------------------------------------------
# Ray's configuration objects (vserve.serve.config) besides autoscaling, and serve.start & co.: what
# vserve acts on is passed to the host; what it does not is said in the node's log, or refused by name


class BackpressureConfig:
    """The answer to requests refused because max_queued_requests is reached: status_code 503 (default)
    or 429, and a Retry-After header when retry_after_s is set."""

    def __init__(self, status_code=503, retry_after_s=None):
        if status_code not in (503, 429):
            raise ValueError("BackpressureConfig: status_code must be 503 or 429, got %r" % (status_code,))
        if retry_after_s is not None and not retry_after_s >= 0:
            raise ValueError("BackpressureConfig: retry_after_s must be >= 0, got %r" % (retry_after_s,))
        self.status_code = status_code
        self.retry_after_s = retry_after_s

    def _dict(self):
        out = {"status_code": self.status_code}
        if self.retry_after_s is not None:
            out["retry_after_s"] = float(self.retry_after_s)
        return out


def _backpressure(value):
    if isinstance(value, BackpressureConfig):
        return value._dict()
    if isinstance(value, dict):
        return BackpressureConfig(**value)._dict()
    raise TypeError("backpressure_config must be a BackpressureConfig or a dict, got %r" % (value,))


class _Options:
    """Options the node's command line sets in vserve (it runs before the application's file)."""
    _WHAT = ""

    def __init__(self, **options):
        self._options = options

    def __getattr__(self, name):
        try:
            return self.__dict__["_options"][name]
        except KeyError:
            raise AttributeError(name)


class HTTPOptions(_Options):
    """Ray's HTTP proxy options: in vserve the node's command line sets them (--host, --port,
    --request-timeout-ms ...); passed to serve.start they are named in the log as not applied."""


class gRPCOptions(_Options):
    """Ray's gRPC proxy options: vserve serves HTTP (and the Open Inference Protocol over HTTP), no gRPC."""


class RequestRouterConfig:
    """Ray's custom request router settings: request_router_class (a RequestRouter subclass of the
    application, or "module:Class"), request_router_kwargs (for its initialize_state), and how often
    replicas are asked for record_routing_stats()."""

    def __init__(self, request_router_class=None, request_router_kwargs=None, request_routing_stats_period_s=10.0,
                 request_routing_stats_timeout_s=30.0):
        self.request_router_class = request_router_class
        self.request_router_kwargs = request_router_kwargs or {}
        self.request_routing_stats_period_s = request_routing_stats_period_s
        self.request_routing_stats_timeout_s = request_routing_stats_timeout_s


def _router_class_name(cls):
    """A router class as the node finds it again: by name in the app's file, else module:name."""
    if isinstance(cls, str):
        return cls
    if not isinstance(cls, type):
        raise TypeError("request_router_class must be a RequestRouter subclass or its import path, got %r" % (cls,))
    module = getattr(cls, "__module__", "__main__")
    return cls.__qualname__ if module == "__main__" else "%s:%s" % (module, cls.__qualname__)


def _router_config(value):
    """request_router_config as the Java side reads it (Ray's names)."""
    if isinstance(value, dict):
        value = RequestRouterConfig(**value)
    if not isinstance(value, RequestRouterConfig):
        raise TypeError("request_router_config must be a RequestRouterConfig or a dict, got %r" % (value,))
    out = {"request_router_kwargs": dict(value.request_router_kwargs),
           "request_routing_stats_period_s": float(value.request_routing_stats_period_s),
           "request_routing_stats_timeout_s": float(value.request_routing_stats_timeout_s)}
    if value.request_router_class is not None:
        out["request_router_class"] = _router_class_name(value.request_router_class)
    return out


def start(http_options=None, grpc_options=None, detached=True, **unsupported):
    """serve.start: the node is already running when the file is read; options are said, not applied."""
    said = []
    if http_options is not None:
        opts = http_options._options if isinstance(http_options, _Options) else dict(http_options)
        if opts:
            said.append("http_options %s (the node's command line sets them: --host, --port ...)" % sorted(opts))
    if grpc_options is not None:
        said.append("grpc_options (vserve serves no gRPC)")
    if unsupported:
        said.append("%s" % sorted(unsupported))
    if said and _ctx.loading:
        _ctx.host.warn("serve.start: not applied: " + "; ".join(said))


def _refused(name, instead):
    def refuse(*_args, **_kwargs):
        raise NotImplementedError("serve.%s is not available inside vserve applications; use %s" % (name, instead))
    refuse.__name__ = name
    return refuse


shutdown = _refused("shutdown", "`vserve shutdown` (or the admin API)")
delete = _refused("delete", "`vserve deploy` with the application left out (or DELETE on the admin API)")
status = _refused("status", "`vserve status` (or GET /-/status)")
