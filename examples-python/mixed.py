# Python and Java deployments in one application.
#   ./vserve run examples-python/mixed.py   a Python ingress calling Java's Adder through a handle:
#       POST / {"val": 10} -> {"sum": 11.0, "scaled": 33.0, "by": "python"}
#   ./vserve run dev.vserve.examples.Mixed  a Java ingress calling this file's Scaler (see Mixed.java)
from vserve import serve, java_deployment

# Java's Adder from the composition example, bound like any other deployment
Adder = java_deployment("dev.vserve.examples.Composition$Adder")


@serve.deployment
class Scaler:
    def __init__(self, factor: float):
        self.factor = factor

    def scale(self, x: float) -> float:
        return x * self.factor


@serve.deployment
class PyIngress:
    def __init__(self, adder, scaler):
        self.adder = adder
        self.scaler = scaler

    async def __call__(self, request):
        val = (await request.json())["val"]
        total = await self.adder.add.remote(val)
        scaled = await self.scaler.scale.remote(total)
        return {"sum": total, "scaled": scaled, "by": "python"}


app = PyIngress.bind(Adder.bind(1), Scaler.bind(3.0))
