from vserve import _context as _ctx
from vserve.handle import _Pending


# ---------------------------------------------------------------------------------------------
# batching: Java's batch queue collects; the batch runs here, on the replica's thread

class _BatchRun:
    """One queue's batch function; `model` is the multiplexed model its calls named (one per queue)."""

    def __init__(self, func, owner, model):
        self.func, self.owner, self.model = func, owner, model

    def __call__(self, items):
        return self.func(self.owner, list(items)) if self.owner is not None else self.func(list(items))


def batch(_func=None, max_batch_size=10, batch_wait_timeout_s=0.01, max_concurrent_batches=1, batch_size_fn=None):
    def wrap(func):
        if batch_size_fn is not None and _ctx.loading:
            # said, never dropped silently: batches here are counted in calls
            _ctx.host.warn("@serve.batch on %s: batch_size_fn is not supported in Python yet; batches are counted "
                           "in calls (max_batch_size=%s calls)" % (func.__name__, max_batch_size))
        if max_batch_size < 1:
            raise ValueError("max_batch_size must be >= 1, got %r" % (max_batch_size,))
        if batch_wait_timeout_s < 0:
            raise ValueError("batch_wait_timeout_s must be >= 0, got %r" % (batch_wait_timeout_s,))
        key = "_vserve_batch_" + func.__name__

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
                                                             int(max_batch_size), int(batch_wait_timeout_s * 1000),
                                                             int(max_concurrent_batches), _BatchRun(func, owner, model or None))
            return _Pending(_ctx.host.submit(queue, args[-1]))

        call.__name__ = func.__name__
        call.__qualname__ = func.__qualname__
        call.__doc__ = func.__doc__
        call._vserve_batched = True
        return call
    return wrap(_func) if _func is not None else wrap


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
