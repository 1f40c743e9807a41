# Five deployments, one replica each, as a small Ray Serve app composes them: the start-up figure
# "a 5-deployment Python app ready after the engine" deploys this (issue 18).
from vserve import serve


@serve.deployment
class Tokenize:
    def __call__(self, text):
        return text.lower().split()


@serve.deployment
class CountWords:
    def __call__(self, words):
        return len(words)


@serve.deployment
class LongestWord:
    def __call__(self, words):
        return max(words, key=len) if words else ""


@serve.deployment
class Summarize:
    def __call__(self, count, longest):
        return {"words": count, "longest": longest}


@serve.deployment
class Pipeline:
    def __init__(self, tokenize, count, longest, summarize):
        self.tokenize, self.count, self.longest, self.summarize = tokenize, count, longest, summarize

    async def __call__(self, request):
        words = await self.tokenize.remote((await request.json())["text"])
        return await self.summarize.remote(await self.count.remote(words), await self.longest.remote(words))


app = Pipeline.bind(Tokenize.bind(), CountWords.bind(), LongestWord.bind(), Summarize.bind())
