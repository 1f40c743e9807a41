from vserve import serve


@serve.deployment(graceful_shutdown_timeout_s=1)
class Spin:
    def __call__(self, request):
        if request.query_params.get("forever"):
            while True:   # a handler that never returns
                pass
        return {"ok": True}


app = Spin.bind()
