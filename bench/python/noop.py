# The Python twin of Bench.Constant: the no-op answer whose requests/s the benchmark compares.
from vserve import serve


@serve.deployment(num_replicas=2, max_ongoing_requests=64)
class Constant:
    def __call__(self, request):
        return {"result": "ok"}

    def ping(self):
        return 1


app = Constant.bind()
