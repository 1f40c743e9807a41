import sys
from time import monotonic_ns as _clock
from vserve import _context as _ctx
from vserve.handle import DeploymentError, DeploymentHandle, _KWARGS, _Pending, _arg, _error_of, _value, _is_object, _pickle
from vserve.deployment import Deployment
from vserve.tracebacks import _where, _trace, _failure_in
from vserve.http import HTTPException, Request, Response, StreamingResponse, _bind_route
from vserve.batching import _BatchedStream

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
        return (False, _failure_in(e, path))


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
        await _Pending(_ctx.host.timer(float(delay)))
    return result


class _Yield:
    def __await__(self):
        yield None


class _Task:
    """A coroutine the driver runs on its own, as asyncio's tasks: started at once, awaited later.
    Awaiting it gives its result, or raises its own exception."""

    def __init__(self, coro):
        self._future = _ctx.host.newFuture()
        self.error = None
        _advance(self, coro, None, None, _ctx.model)   # a task runs for the call that made it

    def finish(self, result):
        _ctx.host.settle(self._future, True, result)

    def fail(self, e, *_):
        self.error = e
        _ctx.host.settle(self._future, False, None)

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
    if _ctx.host.isHandle(v):
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


def _defines():
    """Which of Ray's optional methods the deployment defines (the host then calls them periodically)."""
    return [callable(getattr(_instance, n, None)) for n in ("check_health", "record_autoscaling_stats", "record_routing_stats")]


def _routes():
    """The ingress's routes for the host's matcher, or None when its __call__ takes every request."""
    return None if _router is None else _router._table()


def _handle_request(reply, java_request, route, model=None):
    """An HTTP request for this ingress: the route the host matched (its index in _routes()), else __call__."""
    _ctx.model, _ctx.reply = model, reply
    try:
        request = Request(java_request)
        if route >= 0:
            fn = _router._routes[route][2]
            params = dict(java_request.pathParams())
            request._path_params = params
            kwargs = _bind_route(fn, request, params)
            # a route defined in the class takes self; one defined at module level does not (as FastAPI)
            result = fn(_instance, **kwargs) if _takes_self(fn) else fn(**kwargs)
        else:
            call = _lookup("call")
            # Ray passes the request only to a __call__ that takes it
            result = call(request) if _takes_request(call) else call()
        reply.http(route >= 0)
    except BaseException as e:
        _fail(reply, e)
        return
    _settle(reply, result, model)


def _takes_self(fn):
    code = getattr(fn, "__code__", None)
    return code is not None and code.co_argcount > 0 and code.co_varnames[0] == "self"


def _takes_request(target):
    """Whether __call__ (a bound method, a function deployment, or an instance with __call__) takes the request."""
    func = getattr(target, "__func__", None)
    has_self = func is not None
    if func is None:
        if hasattr(target, "__code__"):
            func = target
        else:
            func = getattr(type(target), "__call__", None)
            has_self = True
    code = getattr(func, "__code__", None)
    if code is None or code.co_flags & 0x04:   # not a plain function, or *args: give it the request
        return True
    return code.co_argcount - (1 if has_self else 0) > 0


def _call(reply, method, args, model=None):
    """A method called through a handle; keyword arguments come in a marked last argument."""
    _ctx.model, _ctx.reply = model, reply
    _ctx.handle_calls.add(id(reply))
    try:
        kwargs = {}
        if args and isinstance(args[-1], dict) and _KWARGS in args[-1]:
            kwargs = {k: _arg(v) for k, v in args[-1][_KWARGS].items()}
            args = args[:-1]
        result = _lookup(method)(*[_arg(a) for a in args], **kwargs)
    except BaseException as e:
        _fail(reply, e)
        return
    _settle(reply, result, model)


def _settle(reply, result, model=None):
    if type(result) is _coroutine:
        _advance(reply, result, None, None, model)
    elif isinstance(result, _Pending):
        # a batched method reached through a handle (it returns its batch's answer to await), or a
        # response returned as the result: answered once it is there
        _ctx.host.resume(result._future, lambda ok, v: _done(reply, v) if ok else _fail(reply, _error(v)), _owner(reply))
    else:
        _done(reply, result)


def _ended(reply):
    """A call ended: what it held (multiplexed models) is let go."""
    if _ctx.held:
        for release in _ctx.held.pop(id(reply), ()):
            release()


def _done(reply, result):
    _ended(reply)
    if type(reply) is _Task:
        reply.finish(result)
        return
    try:
        if id(reply) in _ctx.handle_calls:
            _ctx.handle_calls.discard(id(reply))
            if _is_object(result):
                result = _pickle(result)   # to a caller that is a Python deployment too (on any node)
        reply.done(_out(result))
    except BaseException as e:
        _fail(reply, e)


def _out(v):
    """A result leaves Python: Responses and streams become their Java forms."""
    if isinstance(v, Response):
        return _ctx.host.response(v.status_code, v.headers, v.body)
    if isinstance(v, StreamingResponse):
        return _ctx.host.streaming(_Items(v.content), v.media_type)
    if type(v) is _generator or type(v) is _asyncgen or isinstance(v, _BatchedStream):
        return _ctx.host.streaming(_Items(v), None)
    if isinstance(v, DeploymentHandle):
        return v._java
    return v


def _advance(reply, coro, value, error, model=None):
    """Runs a coroutine until it waits on a Java future or returns; its call's model id is current meanwhile."""
    while True:
        _ctx.model, _ctx.reply = model, reply
        try:
            waited = coro.throw(error) if error is not None else coro.send(value)
        except StopIteration as stop:
            _done(reply, stop.value)
            return
        except BaseException as e:
            _fail(reply, e)
            return
        if isinstance(waited, _Pending):
            _ctx.host.resume(waited._future, lambda ok, v: _advance(reply, coro, _value(v) if ok else None,
                                                                None if ok else _error(v), model), _owner(reply))
            return
        if waited is None:   # a bare yield (asyncio.sleep(0)): let other calls run first
            _ctx.host.later(lambda: _advance(reply, coro, None, None, model), _owner(reply))
            return
        value, error = None, TypeError("vserve replicas await vserve responses and batches; got %r" % (waited,))


def _owner(reply):
    # the Java side that fails the call should the step raise what Python cannot catch
    return getattr(reply, "_sink", reply)


def _error(failure):
    # failure: (status, type, message) of a failed Java future
    return _error_of(failure[0], failure[1], failure[2])


def _fail(reply, e):
    _ended(reply)
    _ctx.handle_calls.discard(id(reply))
    if isinstance(e, HTTPException):
        reply.fail(e, e.status_code, getattr(e, "error_type", "HTTPException"), str(e.detail if e.detail is not None else ""), "", "")
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


def _run_batch(reply, run, items):
    # a batch holds the calls of one multiplexed model, and runs with it as the current one
    model = getattr(run, "model", None)
    _ctx.model, _ctx.reply = model, reply
    try:
        result = run(items)
    except BaseException as e:
        _fail(reply, e)
        return
    _settle(reply, result, model)
