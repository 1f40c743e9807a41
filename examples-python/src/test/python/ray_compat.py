# Ray Serve idioms the launcher must run unchanged (only the import changed): batching through handles,
# responses nested in arguments, Ray's exception and handle names, load shedding with Retry-After.
import asyncio

from fastapi import FastAPI
from vserve import serve
from vserve.serve.config import AutoscalingConfig, BackpressureConfig, HTTPOptions, RequestRouterConfig, gRPCOptions
from vserve.serve.exceptions import BackPressureError, RayServeException, RequestCancelledError
from vserve.serve.handle import DeploymentHandle, DeploymentResponse, RayServeHandle, RayServeSyncHandle
from vserve.serve.schema import TaskProcessorConfig
from vserve.serve._private.request_router import LocalityMixin, MultiplexMixin, RequestRouter
from vserve.serve.request_router import PendingRequest, ReplicaID, RunningReplica
from vserve.serve.context import _get_internal_replica_context

serve.start(http_options=HTTPOptions(port=8001))   # the node's command line decides: said in the log


@serve.deployment
class Batcher:
    """Batched methods reached through handles: plain, measured by batch_size_fn, and a generator."""

    def __init__(self):
        self.words.set_max_batch_size(6)   # Ray's run-time knob (what reconfigure uses)

    @serve.batch(max_batch_size=8, batch_wait_timeout_s=0.2)
    async def double(self, xs):
        return [[x * 2, len(xs)] for x in xs]

    @serve.batch(max_batch_size=100, batch_wait_timeout_s=0.2, batch_size_fn=lambda ws: sum(len(w) for w in ws))
    async def words(self, ws):
        return [[w, sum(len(x) for x in ws), len(ws)] for w in ws]

    @serve.batch(max_batch_size=4, batch_wait_timeout_s=0.2)
    async def tokens(self, prompts):
        # one item per caller per step; StopIteration ends one caller's stream early (Ray's convention)
        for step in range(3):
            yield [StopIteration if p == "short" and step == 2 else "%s%d/%d" % (p, step, len(prompts)) for p in prompts]


@serve.deployment
class Arith:
    def get(self, x):
        return x

    async def total(self, parts, named, plain):
        # responses nested in arguments arrive as references to await, as in Ray; top-level ones as values
        return sum([await p for p in parts]) + await named["extra"] + plain


@serve.deployment(max_ongoing_requests=1, max_queued_requests=1,
                  backpressure_config=BackpressureConfig(status_code=429, retry_after_s=2.5))
class Slow:
    async def __call__(self):
        await asyncio.sleep(0.5)
        return "slow"


api = FastAPI()


@serve.deployment
@serve.ingress(api)
class Compat:
    def __init__(self, batcher, arith, slow):
        self.doubler = self.sizer = self.streamer = batcher
        self.num = self.summer = arith
        self.slow = slow

    @api.get("/streams")
    async def streams(self):
        gens = [self.streamer.options(method_name="tokens", stream=True).remote(p) for p in ("a", "b", "short")]
        out = []
        for g in gens:
            out.append([t async for t in g])
        return out

    @api.get("/sized")
    async def sized(self):
        pending = [self.sizer.words.remote(w) for w in ("aa", "bbb", "c", "dd", "eeee", "f", "gg", "hhh")]
        return [await p for p in pending]

    @api.get("/batch")
    async def batch(self, n: int):
        pending = [self.doubler.double.remote(i) for i in range(n)]
        return [await p for p in pending]

    @api.get("/nested")
    async def nested(self):
        parts = [self.num.get.remote(1), self.num.get.remote(2)]
        return await self.summer.total.remote(parts, {"extra": self.num.get.remote(10)}, self.num.get.remote(100))

    @api.get("/shed")
    async def shed(self):
        pending = [self.slow.remote() for _ in range(6)]
        seen = {"ok": 0, "backpressure": 0}
        for p in pending:
            try:
                await p
                seen["ok"] += 1
            except BackPressureError as e:
                assert isinstance(e, RayServeException)
                seen["backpressure"] += 1
        return seen

    @api.post("/echo")
    async def echo(self, request):
        # a body that only looks like a pickled object stays a dict on its way: never unpickled
        return await self.num.get.remote(await request.json())

    @api.get("/cancel")
    async def cancel(self):
        r = self.num.get.remote(5)
        r.cancel()
        try:
            await r
            return "not cancelled"
        except RequestCancelledError:
            return "cancelled"

    @api.get("/names")
    def names(self):
        return {"handle": RayServeHandle is DeploymentHandle and RayServeSyncHandle is DeploymentHandle,
                "response": isinstance(self.num.get.remote(1), DeploymentResponse),
                "config": [c.__name__ for c in (AutoscalingConfig, RequestRouterConfig, gRPCOptions, TaskProcessorConfig)]}


    @api.get("/mixins")
    def mixins(self):
        # Ray's mixins on replicas made up here: ranks as Ray's documentation says
        class Both(MultiplexMixin, LocalityMixin, RequestRouter):
            pass
        router = Both(self_node_id="here")
        replicas = []
        for name, node, models in (("a", "here", {"m1"}), ("b", "there", set()), ("c", "there", {"m1", "m2"})):
            r = RunningReplica(ReplicaID(name), node)
            r.multiplexed_model_ids, r.max_ongoing_requests, r.queue_len = models, 2, 2 if name == "c" else 0
            replicas.append(r)
        router.update_replicas(replicas)
        ids = lambda groups: [sorted(r.replica_id.unique_id for r in g) for g in groups]
        pending = PendingRequest([], {}, None)
        return {"multiplex": ids(router.rank_replicas_via_multiplex(replicas, "m1")),
                "locality": ids(router.rank_replicas_via_locality(replicas)),
                "available": sorted(r.replica_id.unique_id for r in router.select_available_replicas()),
                "first_try": sorted(str(i) for i in router.apply_locality_routing(pending)),
                "second_try": sorted(str(i) for i in router.apply_locality_routing(pending)),
                "replica": _get_internal_replica_context().replica_id.startswith("compat#Compat#")}


app = Compat.bind(Batcher.bind(), Arith.bind(), Slow.bind())
slow_app = Slow.bind()
