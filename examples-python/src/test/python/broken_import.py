from vserve import serve


@serve.deployment
class Fine:
    def __call__(self, request):
        return "fine"


app = Fine.bind(undefined_name)
