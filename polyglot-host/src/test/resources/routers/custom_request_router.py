from vserve.serve.request_router import FIFOMixin, MultiplexMixin, RequestRouter


class Pinned(FIFOMixin, MultiplexMixin, RequestRouter):
    """The pinned replica first, then the call's model holders, then those free: kwargs and models at work."""

    def initialize_state(self, pin=None):
        self.pin = pin
        self.routed = []

    async def choose_replicas(self, candidate_replicas, pending_request=None):
        if pending_request.args and pending_request.args[0].get("flat"):
            return candidate_replicas      # a flat list, not ranks: the host says what is wrong
        pinned = [r for r in candidate_replicas if r.replica_id.unique_id == self.pin]
        model = pending_request.metadata.multiplexed_model_id
        ranks = self.rank_replicas_via_multiplex(candidate_replicas, model) if model else []
        return [pinned] + ranks + [self.select_available_replicas(candidate_replicas)]

    def on_request_routed(self, pending_request, replica_id, result):
        self.routed.append(str(replica_id))
