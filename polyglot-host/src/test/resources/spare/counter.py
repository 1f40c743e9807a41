# Module state a replica builds up: another replica, even in a context made ahead, starts without it.
from vserve import serve

seen = []


@serve.deployment
class Counter:
    def add(self, x):
        seen.append(x)
        return len(seen)
