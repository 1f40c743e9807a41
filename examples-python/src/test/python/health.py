# Ray's check_health: called every health_check_period_s; once it raises, the replica is replaced.
import time

from vserve import serve


@serve.deployment(health_check_period_s=0.2, health_check_timeout_s=5)
class Health:
    def __init__(self):
        self.token = "replica-%d" % time.monotonic_ns()
        self.sick = False

    def __call__(self, request):
        if request.query_params.get("sicken"):
            self.sick = True
        return self.token

    async def check_health(self):
        if self.sick:
            raise RuntimeError("lost its model")


app = Health.bind()
