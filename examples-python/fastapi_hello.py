# Ray Serve's FastAPI example with only the serve import changed (FastAPI here is vserve's small
# router). GET /hello?name=Theodore -> "Hello Theodore!"
from fastapi import FastAPI
from vserve import serve

# 1: Define a FastAPI app and wrap it in a deployment with a route handler.
app = FastAPI()


@serve.deployment
@serve.ingress(app)
class FastAPIDeployment:
    # FastAPI will automatically parse the HTTP request for us.
    @app.get("/hello")
    def say_hello(self, name: str) -> str:
        return f"Hello {name}!"


# 2: Deploy the deployment.
serve.run(FastAPIDeployment.bind(), route_prefix="/")
