# user_config changes what a deployment computes (Ray calls reconfigure with it): refused by name
# until vserve supports it, rather than ignored.
from vserve import serve


@serve.deployment(user_config={"threshold": 0.5})
class Thresholded:
    def reconfigure(self, config):
        self.threshold = config["threshold"]

    def __call__(self, request):
        return self.threshold


app = Thresholded.bind()
