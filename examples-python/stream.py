# Token streaming from a Python generator, as an LLM would: GET /?prompt=...&n=...&delay_ms=...
# sends n tokens, one Server-Sent Event each (or chunks, for clients that do not accept SSE).
# GET /digits?n=... streams model output: the MNIST CNN classifies one held-out image per event.
import time

from starlette.responses import StreamingResponse
from vserve import serve, djl, FastAPI

app_routes = FastAPI()


@serve.deployment(max_ongoing_requests=100)
@serve.ingress(app_routes)
class TokenStream:
    def __init__(self, model_dir: str = "../examples-java/models/mnist"):
        self.model = djl.load_model(model_dir, "mnist", "mnist-cnn")
        self.produced = 0   # tokens made so far: a client that goes away stops the count
        self.closed = 0     # generators stopped early (GeneratorExit) or finished

    @app_routes.get("/")
    def tokens(self, prompt: str = "hello", n: int = 10, delay_ms: int = 0):
        if n < 0 or n > 100000:
            raise ValueError("n must be between 0 and 100000")
        return StreamingResponse(self._tokens(prompt, n, delay_ms / 1000.0), media_type="text/event-stream")

    def _tokens(self, prompt, n, delay_s):
        words = prompt.split() or ["token"]
        try:
            for i in range(n):
                if delay_s > 0:
                    time.sleep(delay_s)
                self.produced += 1
                yield {"index": i, "token": words[i % len(words)]}
        finally:
            self.closed += 1

    @app_routes.get("/produced")
    def produced_so_far(self):
        return {"produced": self.produced, "closed": self.closed}

    @app_routes.get("/digits")
    def digits(self, n: int = 5):
        return StreamingResponse(self._digits(n), media_type="text/event-stream")

    def _digits(self, n):
        for i in range(n):
            # a synthetic stroke: one lit column, shifted per event (one model step per token)
            image = [[1.0 if c == 4 + (i % 20) else 0.0 for c in range(28)] for _ in range(28)]
            row = self.model.predict([image], shape=(-1, 1, 28, 28), mean=0.1307, std=0.3013)[0]
            logits = list(row)
            yield {"index": i, "predicted_label": logits.index(max(logits))}

    @app_routes.get("/broken")
    def broken(self, after: int = 3):
        def gen():
            for i in range(after):
                yield {"index": i}
            raise RuntimeError("the generator failed after %d items" % after)
        return StreamingResponse(gen(), media_type="text/event-stream")


app = TokenStream.bind()
