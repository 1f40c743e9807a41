# Ray's user_config: each replica's reconfigure(config) gets it right after construction.
from vserve import serve


@serve.deployment(user_config={"threshold": 0.5})
class Thresholded:
    def __init__(self):
        self.threshold = None

    def reconfigure(self, config):
        self.threshold = config["threshold"]

    def __call__(self, request):
        return {"threshold": self.threshold}


app = Thresholded.bind()
