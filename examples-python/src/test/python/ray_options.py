# Ray options: those vserve does not act on (version) are named in the node's log, never dropped
# silently; autoscaling_config is acted on (2 to 4 replicas); the app deploys and serves.
from vserve import serve


@serve.deployment(health_check_period_s=5, health_check_timeout_s=10, version="v2",
                  autoscaling_config={"min_replicas": 2, "max_replicas": 4})
class Options:
    @serve.batch(max_batch_size=4, batch_size_fn=len)
    async def sized(self, items):
        return items

    def __call__(self):   # Ray passes the request only to a __call__ that takes it
        return "ok"


app = Options.bind()
