# The `vserve` Python package: Ray Serve's `serve` API over vserve's Java runtime.
# Loaded by the host into every Python context of vserve (the launcher's and each replica's); it
# imports nothing from the standard library but `sys`, so a replica starts in a fraction of a second.
# Every Python object here is touched only by its replica's own thread; Java completes futures and
# posts the continuations back to that thread.
import sys
from time import monotonic_ns as _clock

_host = None          # the Java bridge of this context, set by the host before user code runs
_loading = False      # True while the launcher reads the user's file (serve.run records, not runs)
_runs = []            # what serve.run(...) asked for while loading


# ---------------------------------------------------------------------------------------------
# configuration: @serve.deployment, .options(), .bind()

_OPTION_NAMES = {"name", "num_replicas", "max_ongoing_requests", "max_queued_requests", "ray_actor_options",
                 "num_cpus", "num_gpus", "memory", "resources", "graceful_shutdown_timeout_s", "idempotent",
                 "autoscaling_config", "user_config", "health_check_period_s", "health_check_timeout_s",
                 "version", "route_prefix", "logging_config"}
_IGNORED = {"user_config", "health_check_period_s", "health_check_timeout_s", "version", "logging_config",
            "route_prefix"}


def _config(options, name):
    cfg = {}
    for k, v in options.items():
        if k not in _OPTION_NAMES:
            raise TypeError("deployment %s: unknown option '%s'" % (name, k))
        if k in _IGNORED or k == "name" or v is None:
            continue
        if k == "autoscaling_config":
            # no autoscaler yet: start at the configured floor, as Ray does before load arrives
            n = v.get("initial_replicas") or v.get("min_replicas") or 1
            cfg["num_replicas"] = max(1, int(n))
            continue
        if k == "num_replicas" and v == "auto":
            continue
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


def run(target, name="default", route_prefix="/", blocking=False, **_):
    """Under the launcher, records what to deploy; in a replica, does nothing (the file is re-read there)."""
    if _loading:
        _runs.append((target, name, route_prefix))
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
                                "config": _config(d._options, d.name), "args": [arg(a) for a in app._args],
                                "kwargs": {}}}
    target = d.func_or_class
    if "<locals>" in target.__qualname__:
        raise TypeError("deployment %s is defined inside a function; define it at module level" % d.name)
    return {"@vserve.app": {"id": key, "name": d.name, "qualname": target.__qualname__,
                            "config": _config(d._options, d.name),
                            "args": [arg(a) for a in app._args],
                            "kwargs": {k: arg(v) for k, v in app._kwargs.items()}}}


# ---------------------------------------------------------------------------------------------
# handles and responses

class DeploymentError(Exception):
    """A call to another deployment failed; status and error_type as vserve reports them over HTTP."""

    def __init__(self, status, error_type, message):
        Exception.__init__(self, message)
        self.status = status
        self.error_type = error_type


RayServeException = DeploymentError


class _Pending:
    """Awaitable over a Java future: the replica's driver resumes the coroutine when it completes."""
    __slots__ = ("_future",)

    def __init__(self, future):
        self._future = future

    def __await__(self):
        return (yield self)


class DeploymentResponse(_Pending):
    """The result of handle.method.remote(...): await it in async code, .result() in plain code,
    or pass it to another call unresolved."""
    __slots__ = ()

    def result(self, timeout_s=None):
        return _host.block(self._future, -1.0 if timeout_s is None else float(timeout_s))


class DeploymentResponseGenerator:
    """A streaming call's items: `async for` in async code, `for` in plain code."""

    def __init__(self, stream):
        self._stream = stream

    def __aiter__(self):
        return self

    async def __anext__(self):
        item = await _Pending(_host.nextItem(self._stream))
        if _host.isEnd(item):
            raise StopAsyncIteration
        return item

    def __iter__(self):
        return self

    def __next__(self):
        item = _host.block(_host.nextItem(self._stream), -1.0)
        if _host.isEnd(item):
            raise StopIteration
        return item

    def cancel(self):
        _host.cancelStream(self._stream)


def _to_host(v):
    """Arguments leave Python: responses travel as their Java futures, handles as their Java handles."""
    if isinstance(v, _Pending):
        return v._future
    if isinstance(v, DeploymentHandle):
        return v._java
    if isinstance(v, (list, tuple)):
        return [_to_host(x) for x in v]
    if type(v) is dict:
        return {k: _to_host(x) for k, x in v.items()}
    return v


class DeploymentHandle:
    """Ray Serve's DeploymentHandle: handle.method.remote(*args, **kwargs)."""

    def __init__(self, java, method="__call__", stream=False):
        self._java = java
        self._method = method
        self._stream = stream

    @property
    def deployment_name(self):
        return _host.deploymentName(self._java)

    @property
    def app_name(self):
        return _host.appName(self._java)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return DeploymentHandle(self._java, name, self._stream)

    def options(self, method_name=None, stream=None, **_):
        return DeploymentHandle(self._java, method_name or self._method, self._stream if stream is None else stream)

    def remote(self, *args, **kwargs):
        method = "call" if self._method == "__call__" else self._method
        jargs = [_to_host(a) for a in args]
        if kwargs:
            jargs.append({_KWARGS: {k: _to_host(v) for k, v in kwargs.items()}})
        if self._stream:
            return DeploymentResponseGenerator(_host.stream(self._java, method, jargs))
        return DeploymentResponse(_host.remote(self._java, method, jargs))

    def __repr__(self):
        return "DeploymentHandle(%s.%s)" % (self.deployment_name, self._method)


_KWARGS = "@vserve.kwargs"


def get_app_handle(name):
    return DeploymentHandle(_host.appHandle(name))


def get_deployment_handle(deployment_name, app_name="default"):
    return DeploymentHandle(_host.deploymentHandle(app_name, deployment_name))


class ReplicaContext:
    def __init__(self, app_name, deployment, replica_id, node_id):
        self.app_name = app_name
        self.deployment = deployment
        self.replica_id = replica_id
        self.replica_tag = replica_id
        self.node_id = node_id


def get_replica_context():
    c = _host.replicaContext()
    return ReplicaContext(c[0], c[1], c[2], c[3])


# ---------------------------------------------------------------------------------------------
# batching: Java's batch queue collects; the batch runs here, on the replica's thread

def batch(_func=None, max_batch_size=10, batch_wait_timeout_s=0.01, max_concurrent_batches=1, **_):
    def wrap(func):
        if max_batch_size < 1:
            raise ValueError("max_batch_size must be >= 1, got %r" % (max_batch_size,))
        if batch_wait_timeout_s < 0:
            raise ValueError("batch_wait_timeout_s must be >= 0, got %r" % (batch_wait_timeout_s,))
        key = "_vserve_batch_" + func.__name__

        def call(*args):
            # a method (self, item) or a function (item): one caller, one item
            owner = args[0] if len(args) == 2 else None
            holder = owner if owner is not None else call
            queue = getattr(holder, key, None) if owner is not None else call.__dict__.get("queue")
            if queue is None:
                run = (lambda items: func(owner, list(items))) if owner is not None else (lambda items: func(list(items)))
                queue = _host.batchQueue(func.__name__, int(max_batch_size),
                                          int(batch_wait_timeout_s * 1000), int(max_concurrent_batches), run)
                if owner is not None:
                    setattr(owner, key, queue)
                else:
                    call.queue = queue
            return _Pending(_host.submit(queue, args[-1]))

        call.__name__ = func.__name__
        call.__qualname__ = func.__qualname__
        call.__doc__ = func.__doc__
        call._vserve_batched = True
        return call
    return wrap(_func) if _func is not None else wrap


def multiplexed(_func=None, max_num_models_per_replica=3):
    raise NotImplementedError("serve.multiplexed is not available in vserve's Python API yet")


def get_multiplexed_model_id():
    return ""


# ---------------------------------------------------------------------------------------------
# HTTP: the request object, responses, and a small FastAPI-style router

class HTTPException(Exception):
    def __init__(self, status_code, detail=None):
        Exception.__init__(self, detail or "")
        self.status_code = status_code
        self.detail = detail


class _Ready:
    """Lets `await request.json()` (Starlette) and `request.json()` both work."""

    def __await__(self):
        return self
        yield


class _ReadyDict(dict, _Ready):
    pass


class _ReadyList(list, _Ready):
    pass


class _ReadyBytes(bytes, _Ready):
    pass


class _ReadyStr(str, _Ready):
    pass


def _ready(v):
    if isinstance(v, dict):
        return _ReadyDict(v)
    if isinstance(v, list):
        return _ReadyList(v)
    if isinstance(v, str):
        return _ReadyStr(v)
    return v


class Request:
    """The request an ingress receives (Starlette's Request in Ray Serve)."""

    def __init__(self, java):
        self._j = java
        self.method = java.method()
        self._query = None
        self._headers = None

    @property
    def url(self):
        return _URL(self._j.url(), self._j.path())

    @property
    def query_params(self):
        if self._query is None:
            self._query = dict(self._j.query())
        return self._query

    @property
    def headers(self):
        if self._headers is None:
            self._headers = _Headers(self._j.headers())
        return self._headers

    @property
    def path_params(self):
        return getattr(self, "_path_params", {})

    def json(self):
        return _ready(self._j.json())

    def body(self):
        return _ReadyBytes(self._j.bodyLatin1().encode("latin-1"))

    def text(self):
        return _ReadyStr(self._j.text())


class _URL(str):
    def __new__(cls, full, path):
        s = str.__new__(cls, full)
        s.path = path
        return s


class _Headers(dict):
    def __init__(self, m):
        dict.__init__(self, ((k.lower(), v) for k, v in m.items()))

    def get(self, key, default=None):
        return dict.get(self, key.lower(), default)

    def __getitem__(self, key):
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key):
        return dict.__contains__(self, key.lower())


class Response:
    def __init__(self, content=b"", status_code=200, headers=None, media_type=None):
        self.body = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        self.status_code = status_code
        self.headers = dict(headers or {})
        if media_type is not None:
            self.headers["content-type"] = media_type
        elif isinstance(content, str):
            self.headers.setdefault("content-type", "text/plain; charset=utf-8")


class PlainTextResponse(Response):
    def __init__(self, content="", status_code=200, headers=None):
        Response.__init__(self, content, status_code, headers, "text/plain; charset=utf-8")


class JSONResponse(Response):
    def __init__(self, content=None, status_code=200, headers=None):
        Response.__init__(self, _host.toJson(content), status_code, headers, "application/json")


class StreamingResponse:
    def __init__(self, content, media_type=None, status_code=200, headers=None):
        self.content = content
        self.media_type = media_type


class App:
    """FastAPI's analogue: @app.get("/hello"), @app.post("/predict/{name}") on an ingress class
    (with @serve.ingress(app)). Parameters come from path segments by name, then query parameters,
    then (for other methods than GET) the JSON body; `request` receives the Request."""

    def __init__(self, *_, **__):
        self._routes = []

    def _route(self, method, path):
        parts = [p for p in path.split("/") if p]

        def wrap(fn):
            self._routes.append((method, parts, fn))
            return fn
        return wrap

    def get(self, path, **_):
        return self._route("GET", path)

    def post(self, path, **_):
        return self._route("POST", path)

    def put(self, path, **_):
        return self._route("PUT", path)

    def delete(self, path, **_):
        return self._route("DELETE", path)

    def patch(self, path, **_):
        return self._route("PATCH", path)

    def _match(self, method, path):
        segs = [p for p in path.split("/") if p]
        seen = False
        for m, parts, fn in self._routes:
            if len(parts) != len(segs):
                continue
            params = {}
            for p, s in zip(parts, segs):
                if p.startswith("{") and p.endswith("}"):
                    params[p[1:-1]] = s
                elif p != s:
                    break
            else:
                seen = True
                if m == method:
                    return fn, params
        if seen:
            raise HTTPException(405, "method %s not allowed on %s" % (method, path))
        raise HTTPException(404, "no route for %s %s" % (method, path))


FastAPI = App


def ingress(app):
    def wrap(cls):
        cls._vserve_router = app
        return cls
    return wrap


_CONVERT = {int: int, float: float, str: str}


def _bind_route(fn, request, params):
    code = fn.__code__
    names = code.co_varnames[:code.co_argcount]
    hints = getattr(fn, "__annotations__", {})
    defaults = fn.__defaults__ or ()
    first_default = len(names) - len(defaults)
    out = {}
    body = None
    for i, n in enumerate(names):
        if i == 0 and n == "self":
            continue
        if n == "request" or hints.get(n) is Request:
            out[n] = request
            continue
        if n in params:
            raw = params[n]
        elif n in request.query_params:
            raw = request.query_params[n]
        elif request.method not in ("GET", "HEAD") and hints.get(n) not in _CONVERT:
            if body is None:
                body = request.json()
            raw = body.get(n, body) if isinstance(body, dict) and n in body else body
            out[n] = raw
            continue
        elif i >= first_default:
            continue
        else:
            raise HTTPException(422, "missing parameter '%s'" % n)
        t = hints.get(n)
        if t is bool:
            out[n] = str(raw).lower() in ("1", "true", "yes", "on")
        elif t in _CONVERT:
            try:
                out[n] = _CONVERT[t](raw)
            except (TypeError, ValueError):
                raise HTTPException(422, "parameter '%s' must be %s, got %r" % (n, t.__name__, raw))
        else:
            out[n] = raw
    return out


# ---------------------------------------------------------------------------------------------
# the replica's driver: calls in, coroutines stepped, results and errors out

_instance = None
_router = None


# the types of what async def, def-with-yield and async-def-with-yield return (the `types` module
# names them, but importing it costs replica start time)
async def _a_coroutine():
    pass


async def _an_async_generator():
    yield


def _a_generator():
    yield


_probe = _a_coroutine()
_coroutine = type(_probe)
_probe.close()
_generator = type(_a_generator())
_asyncgen = type(_an_async_generator())
del _probe


def _start(path, target, args, kwargs):
    """_init, with a failure told as (False, "file, line N: Type: message")."""
    try:
        _init(target, args, kwargs)
        return (True, None)
    except BaseException as e:
        return (False, "%s: %s: %s" % (_where_in(e, path) or path, type(e).__name__, e))


def _init(target, args, kwargs):
    """Constructs the user's object (a class) or keeps the function, on the replica's thread."""
    global _instance, _router
    args = [_from_host(a) for a in args]
    kwargs = {k: _from_host(v) for k, v in kwargs.items()}
    _patch_asyncio()
    if isinstance(target, Deployment):
        target = target.func_or_class
    if isinstance(target, type):
        _instance = target(*args, **kwargs)
        _router = getattr(target, "_vserve_router", None)
    else:
        if args or kwargs:
            raise TypeError("function deployment %s takes no bind() arguments" % target.__name__)
        _instance = target


async def sleep(delay, result=None):
    """asyncio.sleep for vserve replicas: the coroutine waits on a Java timer, the replica serves on."""
    if delay <= 0:
        await _Yield()
    else:
        await _Pending(_host.timer(float(delay)))
    return result


class _Yield:
    def __await__(self):
        yield None


class _Task:
    """A coroutine the driver runs on its own, as asyncio's tasks: started at once, awaited later.
    Awaiting it gives its result, or raises its own exception."""

    def __init__(self, coro):
        self._future = _host.newFuture()
        self.error = None
        _advance(self, coro, None, None)

    def finish(self, result):
        _host.settle(self._future, True, result)

    def fail(self, e, *_):
        self.error = e
        _host.settle(self._future, False, None)

    def __await__(self):
        try:
            return (yield from _Pending(self._future).__await__())
        except DeploymentError:
            if self.error is not None:
                raise self.error
            raise


def create_task(coro, **_):
    return _Task(coro)


async def gather(*aws, return_exceptions=False):
    """asyncio.gather over vserve awaitables: coroutines run concurrently, as tasks (handle calls
    already run once made); results in order."""
    tasks = [_Task(a) if type(a) is _coroutine else a for a in aws]
    out = []
    for t in tasks:
        try:
            out.append(await t)
        except Exception as e:
            if not return_exceptions:
                raise
            out.append(e)
    return out


def _patch_asyncio():
    # the user's module imported asyncio: its sleep and gather would need asyncio's event loop,
    # which a replica does not run; vserve's stand in
    aio = sys.modules.get("asyncio")
    if aio is not None:
        aio.sleep = sleep
        aio.gather = gather
        aio.create_task = create_task
        aio.ensure_future = create_task


def _from_host(v):
    if _host.isHandle(v):
        return DeploymentHandle(v)
    return v


def _lookup(method):
    if method == "call" or method == "__call__":
        if not callable(_instance):
            raise HTTPException(404, "deployment %s has no __call__ method" % type(_instance).__name__)
        return _instance
    fn = getattr(_instance, method, None) if not method.startswith("_") else None
    if fn is None or not callable(fn):
        raise HTTPException(404, "deployment %s has no method '%s'" % (type(_instance).__name__, method))
    return fn


def _call(reply, method, args):
    try:
        if method == "__http__":
            request = Request(args[0])
            if _router is not None:
                fn, params = _router._match(request.method, args[0].routePath())
                request._path_params = params
                result = fn(_instance, **_bind_route(fn, request, params))
                route = True
            else:
                result = _lookup("call")(request)
                route = False
            reply.http(route)
        else:
            kwargs = {}
            if args and isinstance(args[-1], dict) and _KWARGS in args[-1]:
                kwargs = dict(args[-1][_KWARGS])
                args = args[:-1]
            result = _lookup(method)(*args, **kwargs)
    except BaseException as e:
        _fail(reply, e)
        return
    _settle(reply, result)


def _settle(reply, result):
    if type(result) is _coroutine:
        _advance(reply, result, None, None)
    else:
        _done(reply, result)


def _done(reply, result):
    if type(reply) is _Task:
        reply.finish(result)
        return
    try:
        reply.done(_out(result))
    except BaseException as e:
        _fail(reply, e)


def _out(v):
    """A result leaves Python: Responses and streams become their Java forms."""
    if isinstance(v, Response):
        return _host.response(v.status_code, v.headers, v.body)
    if isinstance(v, StreamingResponse):
        return _host.streaming(_Items(v.content), v.media_type)
    if type(v) is _generator or type(v) is _asyncgen:
        return _host.streaming(_Items(v), None)
    if isinstance(v, DeploymentHandle):
        return v._java
    return v


def _advance(reply, coro, value, error):
    """Runs a coroutine until it waits on a Java future or returns."""
    while True:
        try:
            waited = coro.throw(error) if error is not None else coro.send(value)
        except StopIteration as stop:
            _done(reply, stop.value)
            return
        except BaseException as e:
            _fail(reply, e)
            return
        if isinstance(waited, _Pending):
            _host.resume(waited._future, lambda ok, v: _advance(reply, coro, v if ok else None,
                                                                None if ok else _error(v)), _owner(reply))
            return
        if waited is None:   # a bare yield (asyncio.sleep(0)): let other calls run first
            _host.later(lambda: _advance(reply, coro, None, None), _owner(reply))
            return
        value, error = None, TypeError("vserve replicas await vserve responses and batches; got %r" % (waited,))


def _owner(reply):
    # the Java side that fails the call should the step raise what Python cannot catch
    return getattr(reply, "_sink", reply)


def _error(failure):
    # failure: (status, type, message) of a failed Java future
    return DeploymentError(failure[0], failure[1], failure[2])


def _where(e):
    tb = e.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return ""
    return "%s:%d" % (last.tb_frame.f_code.co_filename, last.tb_lineno)


def _trace(e):
    lines = []
    tb = e.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        lines.append('  File "%s", line %d, in %s' % (code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return "\n".join(lines)


def _fail(reply, e):
    if isinstance(e, HTTPException):
        reply.fail(e, e.status_code, "HTTPException", str(e.detail if e.detail is not None else ""), "", "")
    elif isinstance(e, DeploymentError):
        reply.fail(e, e.status, e.error_type, str(e), _where(e), _trace(e))
    else:
        reply.fail(e, 500, type(e).__name__, str(e), _where(e), _trace(e))


class _Items:
    """A generator's items, pulled by Java one at a time on the replica's thread."""

    def __init__(self, source):
        if hasattr(source, "__anext__"):
            self._async = source
            self._sync = None
        else:
            self._async = None
            self._sync = iter(source)

    def fill(self, sink, budget_ns):
        """Steps the generator, handing each item to the Java sink at once, until the sink is full
        or the step budget is spent; then sink.filled(). An async generator takes one item per fill."""
        if self._async is not None:
            _advance(_AsyncSink(sink), self._async.__anext__(), None, None)
            return
        start = _clock()
        try:
            while True:
                try:
                    item = next(self._sync)
                except StopIteration:
                    sink.end()
                    return
                if not sink.push(_out(item)) or _clock() - start > budget_ns:
                    break
        except BaseException as e:
            _fail(sink, e)
            return
        sink.filled()

    def close(self):
        try:
            if self._sync is not None:
                close = getattr(self._sync, "close", None)
                if close is not None:
                    close()
            else:
                c = self._async.aclose()
                try:
                    c.send(None)
                except StopIteration:
                    pass
        except BaseException:
            pass


class _AsyncSink:
    """An async generator's next item into the sink; StopAsyncIteration ends the stream."""

    def __init__(self, sink):
        self._sink = sink

    def done(self, item):
        self._sink.push(item)
        self._sink.filled()

    def fail(self, e, status, etype, message, where, trace):
        if isinstance(e, StopAsyncIteration):
            self._sink.end()
        else:
            self._sink.fail(e, status, etype, message, where, trace)


# ---------------------------------------------------------------------------------------------
# DJL models from Python: loaded and run in Java, on the replica's device

class _Djl:
    def load_model(self, path, name, block):
        """Loads `path/name-NNNN.params` into the named block (a Java ModelBlock registered by the
        application, e.g. "mnist-cnn") on this replica's device (its GPU share, else the CPU)."""
        return Model(_host.loadModel(path, name, block))


class Model:
    def __init__(self, java):
        self._j = java

    def predict(self, inputs, shape=None, mean=0.0, std=1.0):
        """Runs the model on nested lists (or a list of them); the values are read in Java.
        Returns one list of floats per batch entry."""
        return self._j.predict(inputs, list(shape) if shape is not None else None, float(mean), float(std))

    def predict_async(self, inputs, shape=None, mean=0.0, std=1.0):
        """predict() with the forward pass off the replica's thread: `await` it, and the replica
        serves other requests (and collects the next batch) while the model runs."""
        return _Pending(self._j.predictAsync(inputs, list(shape) if shape is not None else None, float(mean), float(std)))

    def tensor(self, data, shape=None, mean=0.0, std=1.0):
        """Reads and checks one input now (a 400 naming the problem if it is not `shape` numbers),
        normalised as (x - mean) / std; predict() takes a list of these."""
        return self._j.tensor(data, list(shape) if shape is not None else None, float(mean), float(std))

    def split_batches_of(self, n):
        self._j.splitBatchesOf(int(n))
        return self


djl = _Djl()
serve = None   # the `vserve.serve` module, set by the host when it installs this package


# ---------------------------------------------------------------------------------------------
# loading the user's file (launcher and replicas)

def _load(path, text, module_name, attr):
    """Runs the file as a module; returns (True, attr value or None) or (False, message naming file and line)."""
    module = type(sys)(module_name)
    module.__file__ = path
    sys.modules[module_name] = module
    try:
        exec(compile(text, path, "exec"), module.__dict__)
    except SyntaxError as e:
        return (False, "%s, line %s: SyntaxError: %s" % (e.filename or path, e.lineno, e.msg))
    except BaseException as e:
        return (False, "%s: %s: %s" % (_where_in(e, path) or path, type(e).__name__, e))
    if attr is None:
        return (True, module)
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            return (False, "%s has no attribute '%s'" % (path, attr))
        obj = getattr(obj, part)
    return (True, obj)


def _where_in(e, path):
    tb = e.__traceback__
    where = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            where = "%s, line %d" % (path, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _application(module_attr_value, attr_given, named):
    """What the launcher deploys: the named attribute, else `app` (when it is an application), else
    what serve.run(...) was given (Ray's FastAPI example calls its router `app`)."""
    target = module_attr_value
    name = route_prefix = None
    if not named and not isinstance(target, (Application, Deployment)):
        target = None
    if target is None and _runs:
        target, name, route_prefix = _runs[-1]
    elif _runs:
        for t, n, p in _runs:
            if t is target:
                name, route_prefix = n, p
    if target is None:
        return (False, "no Application: the file has no `app` and calls no serve.run(app)")
    if isinstance(target, Deployment):
        target = target.bind()
    if not isinstance(target, Application):
        return (False, "`%s` is not an Application (use .bind())" % (attr_given,))
    try:
        return (True, [_describe(target), name, route_prefix])
    except TypeError as e:
        return (False, str(e))


def _run_batch(reply, run, items):
    try:
        result = run(items)
    except BaseException as e:
        _fail(reply, e)
        return
    _settle(reply, result)
