# Ray options vserve does not act on yet: the app deploys and serves, and the node's log names each
# one (never dropped silently).
from vserve import serve


@serve.deployment(health_check_period_s=5, health_check_timeout_s=10, version="v2",
                  autoscaling_config={"min_replicas": 2, "max_replicas": 4})
class Options:
    def __call__(self, request):
        return "ok"


app = Options.bind()
