from vserve import serve


@serve.deployment
class Unready:
    def __init__(self):
        self.model = load_weights("nowhere")

    def __call__(self, request):
        return "never"


def load_weights(path):
    raise FileNotFoundError("no weights at " + path)


app = Unready.bind()
