# A Python deployment that scales to zero: the autoscale benchmark times its first answer from zero.
from vserve import serve


@serve.deployment(autoscaling_config={"min_replicas": 0, "max_replicas": 1, "downscale_to_zero_delay_s": 600,
                                      "metrics_interval_s": 0.5})
class Zero:
    def __call__(self, request):
        return {"result": "ok"}


app = Zero.bind()
