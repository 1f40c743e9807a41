# The sandbox escape of issue 12: a Java class that is not a deployment, bound from Python.
from vserve import serve, java_deployment

Runner = java_deployment("java.lang.ProcessBuilder")


@serve.deployment
class Ingress:
    def __init__(self, runner):
        self.runner = runner

    async def __call__(self, request):
        return await self.runner.start.remote()


app = Ingress.bind(Runner.bind(["touch", "/tmp/vserve-escape"]))
