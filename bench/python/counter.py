# The Python twin of StreamBench.Counter: GET /?n=N streams N tokens from a generator, no delay.
from vserve import serve, FastAPI

routes = FastAPI()


@serve.deployment
@serve.ingress(routes)
class Counter:
    @routes.get("/")
    def count(self, n: int):
        return ("t" for _ in range(n))


app = Counter.bind()
