# The `vserve` Python package: Ray Serve's `serve` API over vserve's Java runtime, laid out as Ray's
# (deployment, handle, batching, http, models; the replica's driver apart). The host installs these modules
# into every Python context (the launcher's and each replica's) and sets `_context.host`, the Java bridge.
# Every Python object here is touched only by its replica's own thread; Java completes futures and
# posts the continuations back to that thread.
from vserve.handle import (  # noqa: F401
    DeploymentError, RayServeException, _Pending, DeploymentResponse, DeploymentResponseGenerator, _to_host,
    DeploymentHandle, _KWARGS, _Resolved, _REF, _REFS, _arg, _refs, get_app_handle, get_deployment_handle, ReplicaContext, get_replica_context,
)
from vserve.deployment import (  # noqa: F401
    _OPTION_NAMES, _IGNORED, _config, Deployment, JavaDeployment, java_deployment, Application, deployment,
    run, _describe,
)
from vserve.batching import (  # noqa: F401
    batch, multiplexed, get_multiplexed_model_id,
)
from vserve.http import (  # noqa: F401
    HTTPException, _Ready, _ReadyDict, _ReadyList, _ReadyBytes, _ReadyStr, _ready, Request, _URL, _Headers,
    Response, PlainTextResponse, JSONResponse, StreamingResponse, App, FastAPI, ingress, _CONVERT,
    _ValidationError, _json_body, _convert, _bind_route,
)
from vserve.models import (  # noqa: F401
    _Djl, Model, djl,
)
from vserve.driver import (  # noqa: F401
    _a_coroutine, _an_async_generator, _a_generator, _coroutine, _generator,
    _asyncgen, _start, _init, sleep, _Yield, _Task, create_task, gather, _patch_asyncio, _from_host, _lookup,
    _defines, _routes, _handle_request, _call, _settle, _done, _out, _advance, _owner, _error, _fail, _Items, _AsyncSink,
    _run_batch,
)
from vserve.tracebacks import (  # noqa: F401
    _where, _trace, _where_in, _failure_in,
)
from vserve.loading import (  # noqa: F401
    _load, _application,
)

serve = None   # the `vserve.serve` module, set by the host when it installs this package
