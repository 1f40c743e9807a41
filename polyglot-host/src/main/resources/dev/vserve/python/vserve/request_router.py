"""Ray Serve's custom request routers (ray.serve.request_router): a RequestRouter subclass ranks the
replicas for each call in choose_replicas; mixins add FIFO order, locality and multiplex affinity.

vserve runs the router in a sandboxed context of its own on each node that calls the deployment, one
call at a time in FIFO order, and sends the call to the least loaded replica with room of the first
group that has one. It is asked again (after a completion or a back-off) when none has room; a router
that raises falls back to power of two choices for that call, and the node's log says so."""

_LOCAL_NODE, _LOCAL_AZ = "NODE", "AVAILABILITY_ZONE"


class ReplicaID:
    """A replica's id: compares and hashes by its unique id (Ray's ReplicaID)."""

    def __init__(self, unique_id, deployment_name=None, app_name=None):
        self.unique_id = unique_id
        self.deployment_id = DeploymentID(deployment_name, app_name)

    def to_full_id_str(self):
        return "%s#%s#%s" % (self.deployment_id.app_name, self.deployment_id.name, self.unique_id)

    def __eq__(self, other):
        return isinstance(other, ReplicaID) and other.unique_id == self.unique_id

    def __hash__(self):
        return hash(self.unique_id)

    def __str__(self):
        return self.unique_id

    __repr__ = lambda self: "ReplicaID(%r)" % (self.unique_id,)


class DeploymentID:
    def __init__(self, name, app_name):
        self.name = name
        self.app_name = app_name


class RunningReplica:
    """What a router knows of one replica: the caller's queue length to it, its limit, the models it
    holds and what it last said of itself (record_routing_stats)."""

    def __init__(self, replica_id, node_id):
        self.replica_id = replica_id
        self.node_id = node_id
        self.availability_zone = None
        self.is_cross_language = False
        self.max_ongoing_requests = 1
        self.multiplexed_model_ids = set()
        self.routing_stats = {}
        self.queue_len = 0

    async def get_queue_len(self, *, deadline_s=None):
        return self.queue_len

    def __repr__(self):
        return "RunningReplica(%s)" % (self.replica_id.unique_id,)


class RequestMetadata:
    def __init__(self, request_id, call_method, multiplexed_model_id, app_name, route=""):
        self.request_id = request_id
        self.internal_request_id = request_id
        self.call_method = call_method
        self.multiplexed_model_id = multiplexed_model_id or ""
        self.app_name = app_name
        self.route = route
        self.is_streaming = False


class RoutingContext:
    def __init__(self):
        self.tried_same_node = False
        self.tried_same_az = False
        self.should_backoff = False
        self.tried_fewest_multiplexed_models = False
        self.tried_first_multiplexed_models = False


class PendingRequest:
    """The call being routed: its arguments (JSON-shaped; none for an HTTP request) and metadata."""

    def __init__(self, args, kwargs, metadata):
        self.args = args
        self.kwargs = kwargs
        self.metadata = metadata
        self.routing_context = RoutingContext()


class ReplicaResult:
    """Ray hands the call's result to on_request_routed; vserve routes before there is one (None)."""


class RequestRouter:
    """The base of a custom router: subclass it and write choose_replicas."""

    def __init__(self, deployment_id=None, self_node_id=None, **kwargs):
        self._deployment_id = deployment_id
        self._self_node_id = self_node_id
        self._replicas = {}
        self._replica_id_set = set()

    def initialize_state(self, **kwargs):
        """Receives request_router_kwargs once, after construction."""

    async def choose_replicas(self, candidate_replicas, pending_request=None):
        raise NotImplementedError("%s must define choose_replicas" % type(self).__name__)

    def on_request_routed(self, pending_request, replica_id, result):
        """Told after a call was sent to replica_id."""

    def select_available_replicas(self, candidates=None):
        """Those of candidates (default: every replica) below their max_ongoing_requests."""
        pool = self._replicas.values() if candidates is None else candidates
        return [r for r in pool if r.queue_len < r.max_ongoing_requests]

    def update_replicas(self, replicas):
        self._replicas = {r.replica_id: r for r in replicas}
        self._replica_id_set = set(self._replicas)
        for hook in ("_update_colocated_replica_ids_with_replicas", "_update_multiplexed_model_ids_with_replicas"):
            if hasattr(self, hook):
                getattr(self, hook)(replicas)

    @property
    def curr_replicas(self):
        return dict(self._replicas)

    @property
    def deployment_id(self):
        return self._deployment_id

    @property
    def app_name(self):
        return self._deployment_id.app_name

    @property
    def self_node_id(self):
        return self._self_node_id


class FIFOMixin:
    """Calls are routed in the order they arrive: vserve's routers always do."""


class LocalityMixin:
    """Prefers replicas on the caller's node (vserve has no availability zones: that rank is empty)."""

    def __init__(self, *args, prefer_local_node_routing=True, prefer_local_az_routing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self._prefer_local_node_routing = prefer_local_node_routing
        self._prefer_local_az_routing = prefer_local_az_routing
        self._colocated_replica_ids = {_LOCAL_NODE: set(), _LOCAL_AZ: set()}

    def _update_colocated_replica_ids_with_replicas(self, replicas):
        self._colocated_replica_ids = {
            _LOCAL_NODE: {r.replica_id for r in replicas if r.node_id == self._self_node_id},
            _LOCAL_AZ: set()}

    def apply_locality_routing(self, pending_request=None):
        """Replica ids on the caller's node the first time a call asks, then every replica."""
        local = self._colocated_replica_ids[_LOCAL_NODE]
        if pending_request is None:
            return set(self._replica_id_set)
        ctx = pending_request.routing_context
        if self._prefer_local_node_routing and not ctx.tried_same_node and local:
            ctx.tried_same_node = True
            ctx.should_backoff = False
            return set(local)
        ctx.should_backoff = True
        return set(self._replica_id_set)

    def rank_replicas_via_locality(self, replicas):
        """[same node, same zone (empty), the others]."""
        local = self._colocated_replica_ids[_LOCAL_NODE]
        return [[r for r in replicas if r.replica_id in local], [],
                [r for r in replicas if r.replica_id not in local]]


class MultiplexMixin:
    """Prefers replicas holding the call's multiplexed model, then those holding the fewest models."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._multiplexed_model_id_to_replica_ids = {}

    def _update_multiplexed_model_ids_with_replicas(self, replicas):
        holders = {}
        for r in replicas:
            for m in r.multiplexed_model_ids:
                holders.setdefault(m, set()).add(r.replica_id)
        self._multiplexed_model_id_to_replica_ids = holders

    def _fewest_models(self, replicas):
        if not replicas:
            return []
        least = min(len(r.multiplexed_model_ids) for r in replicas)
        return [r for r in replicas if len(r.multiplexed_model_ids) == least]

    def apply_multiplex_routing(self, pending_request=None):
        """Replica ids holding the call's model; else those holding the fewest models; else all."""
        model = pending_request.metadata.multiplexed_model_id if pending_request is not None else ""
        if not model:
            return set(self._replica_id_set)
        holders = self._multiplexed_model_id_to_replica_ids.get(model, set()) & self._replica_id_set
        if holders:
            return set(holders)
        return {r.replica_id for r in self._fewest_models(list(self._replicas.values()))} or set(self._replica_id_set)

    def rank_replicas_via_multiplex(self, replicas, multiplexed_model_id):
        """[holding the model, holding the fewest models, the others]."""
        holding = [r for r in replicas if multiplexed_model_id in r.multiplexed_model_ids]
        rest = [r for r in replicas if multiplexed_model_id not in r.multiplexed_model_ids]
        fewest = self._fewest_models(rest)
        return [holding, fewest, [r for r in rest if r not in fewest]]


# ---------------------------------------------------------------------------------------------
# the host's side: one router per context, its replicas kept between calls

class _Host:
    def __init__(self, router, app, deployment):
        self.router = router
        self.app = app
        self.deployment = deployment
        self.replicas = {}
        self.pending = {}


def _resolve(module, name):
    """The router class `name` names: "Class" (or "Outer.Inner") of the app's file, "module:Class"
    or "module.Class" of a module the app's directory holds."""
    import importlib
    if ":" in name:
        mod, _, qual = name.partition(":")
        target = importlib.import_module(mod)
    else:
        target, qual = module, name
        if not hasattr(module, name.split(".")[0]) and "." in name:
            mod, _, qual = name.rpartition(".")
            target = importlib.import_module(mod)
    for part in qual.split("."):
        target = getattr(target, part)
    if not (isinstance(target, type) and issubclass(target, RequestRouter)):
        raise TypeError("%s is not a subclass of vserve's RequestRouter (from vserve.serve.request_router import RequestRouter)" % name)
    return target


def _make(module, name, kwargs_json, node_id, app, deployment):
    import json   # here, not at the top: json pulls in re and enum, most of a context's start-up
    cls = _resolve(module, name)
    router = cls(deployment_id=DeploymentID(deployment, app), self_node_id=node_id)
    router.initialize_state(**json.loads(kwargs_json))
    return _Host(router, app, deployment)


def _drive(coro):
    """Runs choose_replicas to its end: a router awaits nothing but its own coroutines and sleep(0)."""
    if not hasattr(coro, "send"):
        return coro
    while True:
        try:
            waited = coro.send(None)
        except StopIteration as stop:
            return stop.value
        if waited is not None:
            coro.close()
            raise TypeError("a request router's choose_replicas may only await its own coroutines, got %r" % (waited,))


def _choose_json(host, text):
    """One decision: the replicas and the call as JSON in, the ranked replica ids as JSON out."""
    import json
    data = json.loads(text)
    ids = []
    changed = False
    for r in data["replicas"]:
        rr = host.replicas.get(r["id"])
        if rr is None:
            rr = host.replicas[r["id"]] = RunningReplica(ReplicaID(r["id"], host.deployment, host.app), r["node"])
            changed = True
        rr.queue_len, rr.max_ongoing_requests = r["q"], r["max"]
        if set(r["models"]) != rr.multiplexed_model_ids:
            rr.multiplexed_model_ids = set(r["models"])
            changed = True
        rr.routing_stats = r["stats"]
        ids.append(r["id"])
    if changed or len(ids) != len(host.replicas):
        for gone in set(host.replicas) - set(ids):
            del host.replicas[gone]
        host.router.update_replicas([host.replicas[i] for i in ids])
    q = data["request"]
    pending = PendingRequest(q["args"], {}, RequestMetadata(q["id"], q["method"], q["model"], host.app, q.get("route", "")))
    if len(host.pending) > 1000:
        host.pending.clear()
    host.pending[q["id"]] = pending
    ranked = _drive(host.router.choose_replicas([host.replicas[i] for i in ids], pending))
    if ranked is None:
        raise TypeError("choose_replicas returned None; it returns a list of lists of replicas")
    out = []
    for group in ranked:
        if isinstance(group, RunningReplica):
            raise TypeError("choose_replicas returns a list of lists of replicas (ranks), got a replica in the outer list")
        out.append([r.replica_id.unique_id for r in group])
    return json.dumps(out)


def _routed(host, request_id, replica_id):
    pending = host.pending.pop(request_id, None)
    rr = host.replicas.get(replica_id)
    if pending is not None and rr is not None:
        host.router.on_request_routed(pending, rr.replica_id, None)
