# The route conformance table's application (conformance/routes.json) in Python, route for route as
# runtime's RouteConformanceTest.Routes writes it in Java.
from fastapi import FastAPI
from vserve import serve

app = FastAPI()


@serve.deployment
@serve.ingress(app)
class Routes:
    @app.get("/items/{id}")
    def item(self, id: int):
        return {"id": id}

    @app.get("/items/latest")
    def latest(self):
        return {"latest": True}

    @app.delete("/items/{id}")
    def remove(self, id: int):
        return {"deleted": id}

    @app.get("/echo/{name}")
    def echo(self, name: str):
        return {"name": name}

    @app.get("/search")
    def search(self, q: str, limit: int = 10):
        return {"q": q, "limit": limit}

    @app.post("/add")
    def add(self, a: int, b: int):
        return {"sum": a + b}

    @app.get("/sum")
    def total(self, a: int, b: int):
        return {"sum": a + b}

    @app.get("/users/{user}/posts/{post}")
    def post(self, user: str, post: int):
        return {"user": user, "post": post}
