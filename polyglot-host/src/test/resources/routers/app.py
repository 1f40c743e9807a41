# An application whose router lives beside it, as Ray's guide writes it: a class of a module of its
# directory (custom_request_router.py), named in Ray's older spelling of the options.
from vserve import serve


@serve.deployment(request_router_class="custom_request_router:Pinned", request_router_kwargs={"pin": "b"})
class Echo:
    def __call__(self, x):
        return x


app = Echo.bind()
