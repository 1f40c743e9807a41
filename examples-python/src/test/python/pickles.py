# Objects of the application's own classes between Python deployments, as Ray passes them (pickled):
# Geometry runs on node A (it asks for A's resource), Front on node B, so they cross the cluster.
from vserve import serve


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm2(self):
        return self.x * self.x + self.y * self.y


@serve.deployment(ray_actor_options={"num_cpus": 0, "resources": {"side-a": 1}})
class Geometry:
    def scale(self, p, k):
        if not isinstance(p, Point):
            raise TypeError("expected a Point, got %s" % type(p).__name__)
        return Point(p.x * k, p.y * k)

    def node(self):
        return serve.get_replica_context().node_id


@serve.deployment(ray_actor_options={"num_cpus": 0, "resources": {"side-b": 1}})
class Front:
    def __init__(self, geometry):
        self.geometry = geometry

    async def __call__(self):
        q = await self.geometry.scale.remote(Point(3.0, 4.0), k=2)
        return {"type": type(q).__name__, "norm2": q.norm2(), "front": serve.get_replica_context().node_id,
                "geometry": await self.geometry.node.remote()}


app = Front.bind(Geometry.bind())
