# Custom metrics, as in Ray Serve's observability guide: only the import changed.
#   ./vserve run examples-python/instrumented.py    then    curl localhost:8000/ ; curl localhost:8000/-/metrics
from starlette.requests import Request

from vserve import serve
from vserve.serve import metrics


@serve.deployment(num_replicas=2)
class InstrumentedService:
    def __init__(self):
        self.request_counter = metrics.Counter(
            "my_request_counter",
            description="Total requests processed.",
            tag_keys=("model",),
        )
        self.request_counter.set_default_tags({"model": "mnist"})
        self.latency = metrics.Histogram("my_latency_ms", description="Made-up latency.", boundaries=[1, 10, 100],
                                         tag_keys=("model",))
        self.latency.set_default_tags({"model": "mnist"})

    async def __call__(self, request: Request):
        self.request_counter.inc()
        self.latency.observe(5)
        if request.query_params.get("bad"):
            self.request_counter.inc(tags={"colour": "red"})
        return "ok"


app = InstrumentedService.bind()
