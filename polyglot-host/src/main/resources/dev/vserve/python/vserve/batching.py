from vserve import _context as _ctx
from vserve.handle import _Pending


# ---------------------------------------------------------------------------------------------
# batching: Java's batch queue collects; the batch runs here, on the replica's thread

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
            # a method (self, item) or a function (item): one caller, one item
            owner = args[0] if len(args) == 2 else None
            holder = owner if owner is not None else call
            queue = getattr(holder, key, None) if owner is not None else call.__dict__.get("queue")
            if queue is None:
                run = (lambda items: func(owner, list(items))) if owner is not None else (lambda items: func(list(items)))
                queue = _ctx.host.batchQueue(func.__name__, int(max_batch_size),
                                          int(batch_wait_timeout_s * 1000), int(max_concurrent_batches), run)
                if owner is not None:
                    setattr(owner, key, queue)
                else:
                    call.queue = queue
            return _Pending(_ctx.host.submit(queue, args[-1]))

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
