from vserve import _context as _ctx
from vserve.handle import _Pending, _wait

# ---------------------------------------------------------------------------------------------
# asynchronous inference: Ray's @task_consumer / @task_handler and its task processor adapter, over
# vserve's task queues (in the cluster's Hazelcast; in memory on a node alone). Ray's broker settings
# (adapter, adapter_config with Celery's broker_url/backend_url) are accepted and replaced: the queue
# and the results live in the cluster itself.

_ADAPTER = "vserve.serve.task_consumer.TaskProcessorAdapter"


class CeleryAdapterConfig:
    """Ray's Celery settings: accepted so that Ray apps load; vserve keeps tasks in its cluster instead."""

    def __init__(self, broker_url=None, backend_url=None, app_custom_config=None, task_custom_config=None,
                 broker_transport_options=None):
        self.broker_url = broker_url
        self.backend_url = backend_url
        self.app_custom_config = app_custom_config
        self.task_custom_config = task_custom_config
        self.broker_transport_options = broker_transport_options


class TaskProcessorConfig:
    """A task queue and its rules (Ray's TaskProcessorConfig), plus vserve's visibility_timeout_s,
    retry_delay_s (doubling per retry, up to a minute) and result_ttl_s."""

    def __init__(self, queue_name, adapter=None, adapter_config=None, max_retries=3, failed_task_queue_name=None,
                 unprocessable_task_queue_name=None, visibility_timeout_s=30.0, retry_delay_s=1.0,
                 result_ttl_s=86400.0):
        if not isinstance(queue_name, str) or not queue_name:
            raise ValueError("TaskProcessorConfig: queue_name must be a non-empty string")
        self.queue_name = queue_name
        self.adapter = adapter
        self.adapter_config = adapter_config
        self.max_retries = 3 if max_retries is None else int(max_retries)
        self.failed_task_queue_name = failed_task_queue_name
        self.unprocessable_task_queue_name = unprocessable_task_queue_name
        self.visibility_timeout_s = float(visibility_timeout_s)
        self.retry_delay_s = float(retry_delay_s)
        self.result_ttl_s = float(result_ttl_s)

    def _broker_note(self):
        """What of Ray's broker settings vserve replaces, for the node's log (None: nothing)."""
        replaced = []
        if self.adapter is not None and self.adapter not in (_ADAPTER, TaskProcessorAdapter):
            replaced.append("adapter %r" % (getattr(self.adapter, "__name__", self.adapter),))
        if self.adapter_config is not None:
            replaced.append("adapter_config (%s)" % type(self.adapter_config).__name__)
        if not replaced:
            return None
        return ("task queue '%s': %s replaced by vserve's task queues in the cluster's Hazelcast "
                "(no broker or result backend to run)" % (self.queue_name, " and ".join(replaced)))

    def _to_host(self, handlers):
        return {"queueName": self.queue_name, "maxRetries": self.max_retries,
                "failedTaskQueueName": self.failed_task_queue_name,
                "unprocessableTaskQueueName": self.unprocessable_task_queue_name,
                "visibilityTimeoutS": self.visibility_timeout_s, "retryDelayS": self.retry_delay_s,
                "resultTtlS": self.result_ttl_s, "handlers": handlers}


class TaskResult:
    """A task's status (Ray's TaskResult: id, status, created_at, result), with vserve's details."""

    def __init__(self, fields):
        self.id = fields["id"]
        self.status = fields["status"]
        self.created_at = fields["created_at"]
        self.result = fields["result"]
        self.queue = fields["queue"]
        self.task_name = fields["task_name"]
        self.attempts = fields["attempts"]
        self.started_at = fields["started_at"]
        self.finished_at = fields["finished_at"]
        self.error = fields["error"]
        self.node = fields.get("node")

    def __repr__(self):
        return "TaskResult(id=%r, status=%r, result=%r)" % (self.id, self.status, self.result)


def _result(text):
    import json
    return TaskResult(json.loads(text))


class TaskProcessorAdapter:
    """Ray's adapter interface over vserve's queues: what instantiate_adapter_from_config returns."""

    def __init__(self, config):
        if not isinstance(config, TaskProcessorConfig):
            raise TypeError("expected a TaskProcessorConfig, got %s" % type(config).__name__)
        self._config = config

    def initialize(self, consumer_concurrency=None):
        pass

    def _options(self, options):
        if options:
            _ctx.host.warn("enqueue_task: options %s are not supported and have no effect" % sorted(options))

    def enqueue_task_sync(self, task_name, args=None, kwargs=None, **options):
        self._options(options)
        return _result(_wait(self._enqueue(task_name, args, kwargs)))

    async def enqueue_task_async(self, task_name, args=None, kwargs=None, **options):
        self._options(options)
        return _result(await _Pending(self._enqueue(task_name, args, kwargs)))

    def _enqueue(self, task_name, args, kwargs):
        return _ctx.host.tasks().enqueue(self._config.queue_name, task_name, list(args or []), dict(kwargs or {}))

    def get_task_status_sync(self, task_id):
        return _result(_wait(_ctx.host.tasks().status(task_id, 0.0)))

    async def get_task_status_async(self, task_id):
        return _result(await _Pending(_ctx.host.tasks().status(task_id, 0.0)))

    def wait_for_result_sync(self, task_id, timeout_s=30.0):
        """vserve's addition: the task once it is final, or as it is after timeout_s."""
        return _result(_wait(_ctx.host.tasks().status(task_id, float(timeout_s))))

    async def wait_for_result_async(self, task_id, timeout_s=30.0):
        return _result(await _Pending(_ctx.host.tasks().status(task_id, float(timeout_s))))

    def get_metrics_sync(self):
        import json
        return json.loads(_wait(_ctx.host.tasks().queue(self._config.queue_name)))

    async def get_metrics_async(self):
        import json
        return json.loads(await _Pending(_ctx.host.tasks().queue(self._config.queue_name)))

    def health_check_sync(self):
        return [{"queue": self._config.queue_name, "healthy": True}]

    async def health_check_async(self):
        return self.health_check_sync()

    def cancel_task_sync(self, task_id):
        raise NotImplementedError("vserve cannot cancel a queued task yet")

    async def cancel_task_async(self, task_id):
        self.cancel_task_sync(task_id)

    def register_task_handle(self, func, name=None):
        raise NotImplementedError("vserve registers task handlers with @task_handler on a @task_consumer class")

    def start_consumer(self, **kwargs):
        pass   # consumers start with their replicas

    def stop_consumer(self, timeout=10.0):
        pass

    def shutdown(self):
        pass


def instantiate_adapter_from_config(task_processor_config):
    """The adapter to submit tasks to a queue and follow them, from code (an ingress, usually)."""
    return TaskProcessorAdapter(task_processor_config)


def task_consumer(*, task_processor_config):
    """Marks a deployment class as consuming the queue of task_processor_config with its @task_handler methods."""
    if not isinstance(task_processor_config, TaskProcessorConfig):
        raise TypeError("task_consumer: task_processor_config must be a TaskProcessorConfig")

    def wrap(cls):
        if not isinstance(cls, type):
            raise TypeError("@task_consumer goes on a class")
        cls._vserve_task_consumer = task_processor_config
        return cls
    return wrap


def task_handler(_func=None, *, name=None):
    """Marks a method as the handler of the tasks named `name` (the method's name by default)."""
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ValueError("Task name must be a non-empty string, got %r" % (name,))

    def wrap(f):
        if f.__name__.startswith("_"):
            raise ValueError("task handler %s: a handler's method name must not start with '_'" % f.__name__)
        f._vserve_task_name = name or f.__name__
        return f
    return wrap(_func) if _func is not None else wrap


def _describe(cls):
    """The task consumer's queue and handlers for the host, or None when the class consumes none."""
    cfg = getattr(cls, "_vserve_task_consumer", None)
    if cfg is None:
        return None
    handlers = {}
    for attr in dir(cls):
        fn = getattr(cls, attr, None)
        task = getattr(fn, "_vserve_task_name", None)
        if task is None:
            continue
        code = fn.__code__
        n = code.co_argcount
        params = list(code.co_varnames[1:n])   # without self
        defaults = fn.__defaults__ or ()
        if task in handlers:
            raise ValueError("%s: two task handlers for tasks named '%s'" % (cls.__name__, task))
        handlers[task] = {"method": fn.__name__, "params": params, "required": len(params) - len(defaults),
                          "varArgs": bool(code.co_flags & 0x04), "varKwargs": bool(code.co_flags & 0x08),
                          "keywordOnly": list(code.co_varnames[n:n + code.co_kwonlyargcount]), "keywords": True,
                          "javaTypes": []}
    note = cfg._broker_note()
    if note is not None:
        _ctx.host.warn(note)
    return cfg._to_host(handlers)
