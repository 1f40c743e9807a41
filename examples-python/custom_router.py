# Custom request routing, as Ray's guide shows it with only the imports changed: a RequestRouter
# subclass ranks the replicas of the Chat deployment for every call it gets through a handle.
#   POST / {"session": "alice", "text": "hi"} -> {"replica": "...", "session": "alice", "seen": n}
#   POST / {"session": "alice", "drain_s": 5} -> the replica serving alice says it drains for 5 s
# Calls of one session go to one replica (its cache is warm there); a replica that says it is
# draining (record_routing_stats) is ranked last; the rest rank by locality (same node first).
import time

from vserve import serve
from vserve.serve.config import RequestRouterConfig
from vserve.serve.request_router import FIFOMixin, LocalityMixin, RequestRouter


class SessionAffinityRouter(FIFOMixin, LocalityMixin, RequestRouter):
    def initialize_state(self, refuse=None):
        self.refuse = refuse     # request_router_kwargs: a session this router will not route (to show the fallback)

    async def choose_replicas(self, candidate_replicas, pending_request=None):
        message = pending_request.args[0] if pending_request and pending_request.args else {}
        session = message.get("session") if isinstance(message, dict) else None
        if session is not None and session == self.refuse:
            raise RuntimeError("no route for session %r" % session)
        serving = [r for r in candidate_replicas if not r.routing_stats.get("draining")]
        draining = [r for r in candidate_replicas if r.routing_stats.get("draining")]
        ranked = []
        if session and serving:
            ordered = sorted(serving, key=lambda r: r.replica_id.unique_id)
            ranked.append([ordered[sum(map(ord, session)) % len(ordered)]])
        ranked.extend(group for group in self.rank_replicas_via_locality(serving) if group)
        ranked.append(draining)
        return ranked


@serve.deployment(num_replicas=2, max_ongoing_requests=16,
                  request_router_config=RequestRouterConfig(
                      request_router_class=SessionAffinityRouter,
                      request_router_kwargs={"refuse": "mallory"},
                      request_routing_stats_period_s=0.2))
class Chat:
    def __init__(self):
        self.replica = serve.get_replica_context().replica_tag
        self.seen = 0
        self.drain_until = 0.0

    def reply(self, message):
        self.seen += 1
        if isinstance(message.get("drain_s"), (int, float)):
            self.drain_until = time.time() + message["drain_s"]
        return {"replica": self.replica, "session": message.get("session"), "seen": self.seen}

    def record_routing_stats(self):
        return {"draining": time.time() < self.drain_until, "seen": self.seen}


@serve.deployment
class ChatFront:
    def __init__(self, chat):
        self.chat = chat

    async def __call__(self, request):
        message = await request.json()
        if not isinstance(message, dict):
            return {"error": 'expected {"session": "...", "text": "..."}'}
        return await self.chat.reply.remote(message)


app = ChatFront.bind(Chat.bind())
