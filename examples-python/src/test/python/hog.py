# A handler that allocates without end: its replica goes over its memory budget and is replaced.
from vserve import serve


@serve.deployment(ray_actor_options={"memory": 64 * 1024 * 1024})
class Hog:
    def __call__(self, request):
        if request.query_params.get("hog"):
            keep = []
            while True:
                keep.append(bytearray(1 << 20))
        return {"ok": True}


app = Hog.bind()
