# Autoscaling with a custom policy, as in Ray Serve's "Custom Autoscaling": the controller calls
# `steady_two` every tick with an AutoscalingContext; it asks for two replicas once the replicas
# report their load through record_autoscaling_stats(), and keeps a tick count in its state.
#
#   ./vserve run examples-python/elastic.py     then     ./vserve status
from vserve import serve
from vserve.serve.config import AutoscalingConfig, AutoscalingPolicy


def steady_two(ctx):
    reported = ctx.aggregated_metrics.get("queue_depth", {})
    ticks = ctx.policy_state.get("ticks", 0) + 1
    return (2 if reported else 1), {"ticks": ticks}


@serve.deployment(
    ray_actor_options={"num_cpus": 0},
    autoscaling_config=AutoscalingConfig(
        min_replicas=1, max_replicas=3, upscale_delay_s=0, metrics_interval_s=0.2,
        policy=AutoscalingPolicy(policy_function=steady_two),
    ),
)
class Elastic:
    def __call__(self, request):
        return {"replica": serve.get_replica_context().replica_tag}

    def record_autoscaling_stats(self):
        return {"queue_depth": 1.0}


app = Elastic.bind()
serve.run(app, name="elastic", route_prefix="/elastic")
