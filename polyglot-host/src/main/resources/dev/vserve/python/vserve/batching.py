from vserve import _context as _ctx
from vserve.handle import _Pending


# ---------------------------------------------------------------------------------------------
# batching: Java's batch queue collects; the batch runs here, on the replica's thread

_GENERATOR_FLAGS = 0x20 | 0x200   # CO_GENERATOR, CO_ASYNC_GENERATOR


class _BatchRun:
    """One queue's batch function; `model` is the multiplexed model its calls named (one per queue).
    A batched generator answers each caller with a channel of its own, fed step by step."""

    def __init__(self, func, owner, model):
        self.func, self.owner, self.model = func, owner, model
        self.streams = bool(getattr(func, "__code__", None) and func.__code__.co_flags & _GENERATOR_FLAGS)

    def __call__(self, items):
        out = self.func(self.owner, list(items)) if self.owner is not None else self.func(list(items))
        if not self.streams:
            return out
        channels = [_Channel() for _ in items]
        from vserve.driver import create_task
        create_task(_pump(out, channels))
        return channels


class _Channel:
    """One caller's items of a batched generator; its reader waits on a Java future while it is empty."""

    def __init__(self):
        self.items, self.done, self.error, self.waiter = [], False, None, None

    def put(self, item):
        self.items.append(item)
        self._wake()

    def close(self, error=None):
        if not self.done:
            self.done, self.error = True, error
            self._wake()

    def _wake(self):
        w, self.waiter = self.waiter, None
        if w is not None:
            _ctx.host.settle(w, True, None)

    async def next(self):
        while not self.items and not self.done:
            self.waiter = _ctx.host.newFuture()
            await _Pending(self.waiter)
        if self.items:
            return self.items.pop(0)
        if self.error is not None:
            raise self.error
        raise StopAsyncIteration


async def _pump(gen, channels):
    """Steps a batched generator: each step's list has one item per caller (StopIteration ends that
    caller's stream early, as in Ray)."""
    try:
        if hasattr(gen, "__anext__"):
            async for step in gen:
                _deal(step, channels)
        else:
            for step in gen:
                _deal(step, channels)
    except BaseException as e:
        for ch in channels:
            ch.close(e)
        return
    for ch in channels:
        ch.close()


def _deal(step, channels):
    if not isinstance(step, (list, tuple)) or len(step) != len(channels):
        raise ValueError("a batched generator must yield one item per request (%d), got %r" % (len(channels), step))
    for ch, item in zip(channels, step):
        if item is StopIteration or isinstance(item, StopIteration):
            ch.close()
        elif not ch.done:
            ch.put(item)


class _BatchedStream:
    """What calling a batched generator gives one caller: its own items, `async for` them."""

    def __init__(self, future):
        self._future, self._channel = future, None

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._channel is None:
            self._channel = await _Pending(self._future)
        return await self._channel.next()


def batch(_func=None, max_batch_size=10, batch_wait_timeout_s=0.01, max_concurrent_batches=1, batch_size_fn=None):
    """Ray's @serve.batch. batch_size_fn is applied to each item alone and the sizes are summed (what
    Ray's size functions compute for sums such as tokens or rows); a batch stays within max_batch_size."""
    _check_limits(max_batch_size, batch_wait_timeout_s)

    def wrap(func):
        key = "_vserve_batch_" + func.__name__
        limits = {"max": int(max_batch_size), "wait_ms": int(batch_wait_timeout_s * 1000)}
        streams = bool(func.__code__.co_flags & _GENERATOR_FLAGS)
        made = []   # this replica's queues of the method (each replica has a context of its own)

        def call(*args):
            # a method (self, item) or a function (item): one caller, one item; one queue per model
            owner = args[0] if len(args) == 2 else None
            holder = owner.__dict__ if owner is not None else call.__dict__
            queues = holder.get(key)
            if queues is None:
                queues = holder[key] = {}
            model = _ctx.model or ""
            queue = queues.get(model)
            if queue is None:
                queue = queues[model] = _ctx.host.batchQueue(func.__name__ + ("[%s]" % model if model else ""),
                                                             limits["max"], limits["wait_ms"], int(max_concurrent_batches),
                                                             batch_size_fn is not None, _BatchRun(func, owner, model or None))
                made.append(queue)
            item = args[-1]
            wrap_out = _BatchedStream if streams else _Pending
            if batch_size_fn is None:
                return wrap_out(_ctx.host.submit(queue, item))
            size = batch_size_fn([item])
            if not isinstance(size, int) or size < 0:
                raise ValueError("batch_size_fn must return a whole number >= 0, got %r" % (size,))
            if size > limits["max"]:
                raise ValueError("an item of size %d is larger than max_batch_size %d" % (size, limits["max"]))
            return wrap_out(_ctx.host.submitSized(queue, item, size))

        def set_limits(max_size, wait_s):
            _check_limits(max_size, wait_s)
            limits["max"], limits["wait_ms"] = int(max_size), int(wait_s * 1000)
            for queue in made:   # the queues made so far; later ones start with these limits
                _ctx.host.batchLimits(queue, limits["max"], limits["wait_ms"])

        def set_max_batch_size(n):
            set_limits(n, limits["wait_ms"] / 1000)

        def set_batch_wait_timeout_s(s):
            set_limits(limits["max"], s)

        call.__name__ = func.__name__
        call.__qualname__ = func.__qualname__
        call.__doc__ = func.__doc__
        call._vserve_batched = True
        call.set_max_batch_size = set_max_batch_size
        call.set_batch_wait_timeout_s = set_batch_wait_timeout_s
        call._get_max_batch_size = lambda: limits["max"]
        call._get_batch_wait_timeout_s = lambda: limits["wait_ms"] / 1000
        return call
    return wrap(_func) if _func is not None else wrap


def _check_limits(max_batch_size, batch_wait_timeout_s):
    if not isinstance(max_batch_size, int) or max_batch_size < 1:
        raise ValueError("max_batch_size must be a whole number >= 1, got %r" % (max_batch_size,))
    if batch_wait_timeout_s < 0:
        raise ValueError("batch_wait_timeout_s must be >= 0, got %r" % (batch_wait_timeout_s,))


# ---------------------------------------------------------------------------------------------
# model multiplexing: each replica keeps its most recently used models; routers send a model's
# requests to a replica that holds it (the replica reports its set to them through the host)

class _Models:
    """One replica's models of one loader: least recently used first; a model loading is a task that
    every caller asking for it awaits."""

    def __init__(self, loader, owner, limit):
        self.loader, self.owner, self.limit = loader, owner, limit
        self.loaded = {}     # model id -> model, in use order (dicts keep insertion order)
        self.loading = {}    # model id -> the task loading it
        self.users = {}      # id(model) -> calls using it now
        self.evicted = {}    # id(model) -> a model evicted while calls used it: closed as the last one ends

    async def get(self, model_id):
        if not isinstance(model_id, str) or not model_id:
            raise ValueError("a multiplexed model id must be a non-empty string, got %r" % (model_id,))
        if model_id in self.loaded:
            model = self.loaded.pop(model_id)
            self.loaded[model_id] = model   # most recently used now
            return self._hold(model)
        task = self.loading.get(model_id)
        if task is None:
            from vserve.driver import create_task
            task = self.loading[model_id] = create_task(self._load(model_id))
        model = await task
        if self.loaded.get(model_id) is not model and id(model) not in self.users:
            return await self.get(model_id)   # evicted and closed while this call waited: load it again
        return self._hold(model)

    def _hold(self, model):
        """The model stays open until the calling call ends, even if it is evicted meanwhile."""
        call = _ctx.reply
        if call is not None:
            key = id(model)
            self.users[key] = self.users.get(key, 0) + 1
            _ctx.held.setdefault(id(call), []).append(lambda: self._release(key))
        return model

    def _release(self, key):
        n = self.users.get(key, 1) - 1
        if n > 0:
            self.users[key] = n
            return
        self.users.pop(key, None)
        model = self.evicted.pop(key, None)
        if model is not None:
            _unload(model)

    async def _load(self, model_id):
        try:
            out = self.loader(self.owner, model_id) if self.owner is not None else self.loader(model_id)
            model = await out if hasattr(out, "__await__") else out
        finally:
            self.loading.pop(model_id, None)
        self.loaded[model_id] = model
        while len(self.loaded) > self.limit:
            old = self.loaded.pop(next(iter(self.loaded)))
            if id(old) in self.users:
                self.evicted[id(old)] = old
            else:
                _unload(old)
        _ctx.host.modelsLoaded(list(self.loaded))
        return model


def _unload(model):
    """An evicted model: its close() runs if it has one, else __del__ (Ray relies on __del__)."""
    close = getattr(model, "close", None)
    if callable(close):
        close()
    elif hasattr(type(model), "__del__"):
        type(model).__del__(model)


def multiplexed(_func=None, max_num_models_per_replica=3):
    """Ray's @serve.multiplexed on an (async) loader taking a model id: calling it returns the model,
    loaded once per replica and kept among the replica's max_num_models_per_replica most recent."""
    if not isinstance(max_num_models_per_replica, int) or max_num_models_per_replica < 1:
        raise ValueError("max_num_models_per_replica must be a whole number >= 1, got %r" % (max_num_models_per_replica,))

    def wrap(func):
        key = "_vserve_models_" + func.__name__

        async def get(*args):
            owner = args[0] if len(args) == 2 else None
            holder = owner.__dict__ if owner is not None else get.__dict__
            models = holder.get(key)
            if models is None:
                models = holder[key] = _Models(func, owner, max_num_models_per_replica)
            return await models.get(args[-1])

        get.__name__ = func.__name__
        get.__qualname__ = func.__qualname__
        get.__doc__ = func.__doc__
        return get
    return wrap(_func) if _func is not None else wrap


def get_multiplexed_model_id():
    """The model id the current request names (serve_multiplexed_model_id header, or the handle's); "" if none."""
    return _ctx.model or ""
