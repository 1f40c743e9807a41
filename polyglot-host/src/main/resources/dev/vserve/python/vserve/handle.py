from vserve import _context as _ctx


# ---------------------------------------------------------------------------------------------
# handles and responses

class RayServeException(Exception):
    """The base of Serve's errors (Ray's name)."""


class DeploymentError(RayServeException):
    """A call to another deployment failed; status and error_type as vserve reports them over HTTP."""

    def __init__(self, status, error_type, message):
        RayServeException.__init__(self, message)
        self.status = status
        self.error_type = error_type


class BackPressureError(DeploymentError):
    """The deployment's replicas are all busy and its callers' queue is at max_queued_requests."""


class RequestCancelledError(DeploymentError):
    """The response was cancelled (response.cancel()) before its result was read."""


_ERRORS = {"BackPressureError": BackPressureError, "RequestCancelledError": RequestCancelledError}


def _error_of(status, error_type, message):
    return _ERRORS.get(error_type, DeploymentError)(status, error_type, message)


def _wait(future, timeout_s=None):
    """A Java future's value, waited for on this thread; its failure raised as Serve's exception types."""
    out = _ctx.host.block(future, -1.0 if timeout_s is None else float(timeout_s))
    if out[0]:
        return _value(out[1])
    raise _error_of(out[1][0], out[1][1], out[1][2])


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
        return _wait(self._future, timeout_s)

    def cancel(self):
        """Stops waiting for the result: awaiting it (or .result()) raises RequestCancelledError. The call
        itself runs on in its replica (vserve does not interrupt a unary call once sent)."""
        self._future = _ctx.host.cancelled(self._future)


class _Resolved:
    """A response that was nested in a call's arguments (a list or dict of them), resolved by the caller
    before the call: `await` it, or .result(), as Ray's object reference."""
    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def __await__(self):
        return self._value
        yield   # a generator: awaiting it returns at once

    def result(self, timeout_s=None):
        return self._value


_REF = "@vserve.ref"
_REFS = "@vserve.refs"


def _arg(a):
    """An argument as it arrives: in one the caller wrapped, nested responses' markers become awaitables;
    a pickled object is itself again."""
    if isinstance(a, dict):
        if _REFS in a:
            return _refs(a[_REFS])
        if _PICKLE in a:
            return _unpickle(a)
    return a


# Python objects of the user's own classes cross between Python deployments pickled, as Ray passes
# them; the marker is signed by the cluster, so a JSON body that merely looks like one stays a dict
_PICKLE = "@vserve.pickle"


def _is_object(v):
    m = type(v).__module__
    return m not in ("builtins", "polyglot") and not m.startswith("vserve") and not _ctx.host.isHostValue(v)


def _pickle(v):
    import pickle
    try:
        data = pickle.dumps(v)
    except Exception as e:
        raise TypeError("cannot send a %s to another deployment: it does not pickle (%s)" % (type(v).__name__, e))
    return _ctx.host.pickled(data, type(v).__name__)


def _unpickle(marker):
    import binascii
    import pickle
    return pickle.loads(binascii.a2b_base64(_ctx.host.unpickled(marker)))


def _value(v):
    """A call's result as it arrives: a pickled object is itself again."""
    return _unpickle(v) if isinstance(v, dict) and _PICKLE in v else v


def _refs(v):
    if isinstance(v, dict):
        if len(v) == 1 and _REF in v:
            return _Resolved(v[_REF])
        return {k: _refs(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_refs(x) for x in v]
    return v


class DeploymentResponseGenerator:
    """A streaming call's items: `async for` in async code, `for` in plain code."""

    def __init__(self, stream):
        self._stream = stream

    def __aiter__(self):
        return self

    async def __anext__(self):
        item = await _Pending(_ctx.host.nextItem(self._stream))
        if _ctx.host.isEnd(item):
            raise StopAsyncIteration
        return item

    def __iter__(self):
        return self

    def __next__(self):
        item = _wait(_ctx.host.nextItem(self._stream))
        if _ctx.host.isEnd(item):
            raise StopIteration
        return item

    def cancel(self):
        _ctx.host.cancelStream(self._stream)


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
    if _is_object(v):
        return _pickle(v)
    return v


class DeploymentHandle:
    """Ray Serve's DeploymentHandle: handle.method.remote(*args, **kwargs)."""

    def __init__(self, java, method="__call__", stream=False):
        self._java = java
        self._method = method
        self._stream = stream

    @property
    def deployment_name(self):
        return _ctx.host.deploymentName(self._java)

    @property
    def app_name(self):
        return _ctx.host.appName(self._java)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return DeploymentHandle(self._java, name, self._stream)

    def options(self, method_name=None, stream=None, multiplexed_model_id=None, **unsupported):
        if unsupported:
            # Ray's other handle options: said, never dropped silently
            _ctx.host.warn("DeploymentHandle.options(%s): not supported yet, the call goes out without it"
                           % ", ".join(sorted(unsupported)))
        java = self._java
        if multiplexed_model_id is not None:
            java = _ctx.host.multiplexed(java, str(multiplexed_model_id))
        return DeploymentHandle(java, method_name or self._method, self._stream if stream is None else stream)

    def remote(self, *args, **kwargs):
        method = "call" if self._method == "__call__" else self._method
        jargs = [_to_host(a) for a in args]
        if kwargs:
            jargs.append({_KWARGS: {k: _to_host(v) for k, v in kwargs.items()}})
        if self._stream:
            return DeploymentResponseGenerator(_ctx.host.stream(self._java, method, jargs))
        return DeploymentResponse(_ctx.host.remote(self._java, method, jargs))

    def __repr__(self):
        return "DeploymentHandle(%s.%s)" % (self.deployment_name, self._method)


_KWARGS = "@vserve.kwargs"


# the handle types of earlier Ray versions, one handle now
RayServeHandle = DeploymentHandle
RayServeSyncHandle = DeploymentHandle


def get_app_handle(name):
    return DeploymentHandle(_ctx.host.appHandle(name))


def get_deployment_handle(deployment_name, app_name="default"):
    return DeploymentHandle(_ctx.host.deploymentHandle(app_name, deployment_name))


class ReplicaContext:
    def __init__(self, app_name, deployment, replica_id, node_id):
        self.app_name = app_name
        self.deployment = deployment
        self.replica_id = replica_id
        self.replica_tag = replica_id
        self.node_id = node_id


def get_replica_context():
    c = _ctx.host.replicaContext()
    return ReplicaContext(c[0], c[1], c[2], c[3])
