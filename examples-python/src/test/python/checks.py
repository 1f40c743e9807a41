# Behaviour the tests check that the examples do not show: concurrent coroutines in one replica,
# @serve.batch, .result() in plain code, what a replica may not do, and errors.
import asyncio
import time

from starlette.responses import JSONResponse
from vserve import serve


@serve.deployment(num_replicas=2, max_ongoing_requests=8)
class Sleeper:
    def sleep(self, ms):
        time.sleep(ms / 1000.0)
        return ms

    async def count(self, n):
        for i in range(n):
            yield i * 10


@serve.deployment
def double(x):
    return 2 * x


@serve.deployment(max_ongoing_requests=16)
class Checks:
    def __init__(self, sleeper, double):
        self.sleeper = sleeper
        self.double = double
        self.inflight = 0
        self.max_inflight = 0

    @serve.batch(max_batch_size=4, batch_wait_timeout_s=5.0)
    async def sizes(self, items):
        return [len(items)] * len(items)

    @serve.batch(max_batch_size=2, batch_wait_timeout_s=0.05)
    async def wrong_length(self, items):
        return list(items) + list(items)   # one result too many per item

    async def __call__(self, request):
        what = request.query_params.get("what", "")
        if what == "overlap":
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
            try:
                await self.sleeper.sleep.remote(300)
            finally:
                self.inflight -= 1
            return {"max_inflight": self.max_inflight}
        if what == "batch":
            return {"batch_size": await self.sizes(int(request.query_params["x"]))}
        if what == "wrong_length":
            return {"value": await self.wrong_length(1)}
        if what == "read":
            try:
                with open("/etc/hostname") as f:
                    f.read()
                return {"read": True}
            except Exception as e:
                return {"read": False, "error": type(e).__name__}
        if what == "write":
            try:
                with open("written.txt", "w") as f:
                    f.write("x")
                return {"written": True}
            except Exception as e:
                return {"written": False, "error": type(e).__name__}
        if what == "java":
            try:
                import java
                java.type("java.lang.Runtime")
                return {"java": True}
            except Exception as e:
                return {"java": False, "error": type(e).__name__}
        if what == "raise":
            raise ValueError("broken on purpose")
        if what == "deny":
            # what the sandbox refuses, left uncaught: the call fails at once with a PermissionError
            import os, signal, socket, threading, urllib.request
            op = request.query_params["op"]
            if op == "system":
                os.system("touch /tmp/vserve-escape")
            if op == "thread":
                threading.Thread(target=print).start()
            if op == "socket":
                socket.create_connection(("127.0.0.1", 9))
            if op == "signal":
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            if op == "exit":
                os._exit(3)
            if op == "caught":
                try:
                    os.system("true")
                except PermissionError as e:
                    return {"caught": str(e)}
            return {"done": op}
        if what == "stream":
            items = []
            async for item in self.sleeper.options(stream=True).count.remote(int(request.query_params["n"])):
                items.append(item)
            return {"items": items}
        if what == "gather":
            # coroutines passed to asyncio.gather run at once, side by side, as asyncio's do
            self.inflight = 0
            self.max_inflight = 0

            async def step(ms):
                self.inflight += 1
                self.max_inflight = max(self.max_inflight, self.inflight)
                try:
                    return await self.sleeper.sleep.remote(ms)
                finally:
                    self.inflight -= 1

            async def broken():
                await self.sleeper.sleep.remote(1)
                raise KeyError("gathered")

            results = await asyncio.gather(step(200), step(201), step(202))
            failed = await asyncio.gather(step(1), broken(), return_exceptions=True)
            task = asyncio.create_task(step(3))
            return {"results": results, "max_inflight": self.max_inflight, "failed": type(failed[1]).__name__,
                    "task": await task}
        if what == "asyncio":
            await asyncio.sleep(0.05)
            both = await asyncio.gather(self.sleeper.sleep.remote(5), self.sleeper.sleep.remote(6))
            return {"gathered": both}
        if what == "request":
            body = await request.body()
            return {"method": request.method, "url": str(request.url), "path": request.url.path,
                    "header": request.headers.get("X-Probe"), "has_header": "x-probe" in request.headers,
                    "body_bytes": len(body), "text": request.text()}
        if what == "json_response":
            return JSONResponse({"word": "héllo"}, status_code=201)
        if what == "app_handle":
            hello = await serve.get_app_handle("hello").remote(None)
            added = await serve.get_deployment_handle("Adder", app_name="composition").add.remote(1)
            return {"hello": hello, "added": added}
        if what == "function":
            return {"value": await self.double.remote(21)}
        if what == "blocking_for":
            return {"items": [x for x in self.sleeper.options(stream=True).count.remote(3)]}
        if what == "kwargs":
            return {"value": await self.sleeper.options(method_name="sleep").remote(ms=5)}
        return {"ok": True, "context": serve.get_replica_context().deployment}


@serve.deployment
class SyncCaller:
    def __init__(self, sleeper):
        self.sleeper = sleeper

    def __call__(self, request):
        return {"slept": self.sleeper.sleep.remote(10).result()}


sleeper = Sleeper.bind()
app = Checks.bind(sleeper, double.options(name="Doubler").bind())
sync_app = SyncCaller.bind(Sleeper.bind())
