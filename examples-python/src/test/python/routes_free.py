# FastAPI routes as Ray apps write them: one at module level (no self), one in the class.
from fastapi import FastAPI
from vserve import serve

app = FastAPI()


@app.get("/free")
def free():
    return {"route": "module level"}


@serve.deployment
@serve.ingress(app)
class Routes:
    @app.get("/mine")
    def mine(self, n: int = 1):
        return {"route": "in the class", "n": n}


serve.run(Routes.bind())
