# Model multiplexing's rules in a Python replica: least recently used evicted (its close() runs), one
# load per model however many callers ask at once, the model id of each call its own.
import asyncio

from vserve import serve

loads = []
closed = []


class Fake:
    def __init__(self, model_id):
        self.model_id = model_id

    def close(self):
        closed.append(self.model_id)


@serve.deployment
class Cache:
    @serve.multiplexed(max_num_models_per_replica=2)
    async def get_model(self, model_id):
        loads.append(model_id)
        await asyncio.sleep(0.05)   # slow enough that callers overlap
        return Fake(model_id)

    async def lru(self):
        for m in ("a", "b", "a", "c"):
            await self.get_model(m)
        # b is evicted, but this call still holds it: closed when the call ends
        return {"closed": list(closed), "loads": list(loads)}

    def closed(self):
        return list(closed)

    async def once(self):
        got = await asyncio.gather(*[self.get_model("x") for _ in range(5)])
        return {"same": all(g is got[0] for g in got), "loads_of_x": loads.count("x")}

    async def whose(self):
        # each call sees its own model id, also after awaiting
        first = serve.get_multiplexed_model_id()
        await asyncio.sleep(0.01)
        return [first, serve.get_multiplexed_model_id()]


@serve.deployment
class Probe:
    def __init__(self, cache):
        self.cache = cache

    async def __call__(self, request):
        what = request.query_params.get("what")
        if what == "whose":
            calls = [self.cache.options(method_name="whose", multiplexed_model_id=m).remote() for m in ("p", "q", "r")]
            return [await c for c in calls]
        return await getattr(self.cache, what).remote()


app = Probe.bind(Cache.bind())
