# The seed tutorial's MNIST classifier with a Python ingress: requests are batched with @serve.batch
# and the CNN runs on DJL (the weights and block of examples-java), on this replica's GPU share or CPU.
# POST / {"image": [[28 floats] x 28]} -> {"predicted_label": int, "logits": [10 floats]};
# a batch [N][28][28] (or [N][1][28][28]) answers lists of both.
from vserve import serve, djl, HTTPException

MEAN, STD = 0.1307, 0.3013   # the training set's statistics, as the Java service uses them
MAX_IMAGES = 1024


@serve.deployment(max_ongoing_requests=256)
class MnistClassifier:
    def __init__(self, model_dir: str = "../examples-java/models/mnist"):
        # collect up to 128 images per batch, as the seed, but run them 32 at a time (cache-sized on CPUs)
        self.model = djl.load_model(model_dir, "mnist", "mnist-cnn").split_batches_of(32)

    @serve.batch(max_batch_size=128, batch_wait_timeout_s=0.1)
    async def classify(self, images):
        # awaited: while the model runs, this replica parses and checks the requests of the next batch
        rows = await self.model.predict_async(images, shape=(-1, 1, 28, 28))
        return [answer(row) for row in rows]

    async def __call__(self, request):
        body = await request.json()
        image = body.get("image") if isinstance(body, dict) else None
        if not isinstance(image, list) or not image:
            raise HTTPException(400, 'expected {"image": [[28 numbers] x 28]} or a batch [N][28][28]')
        if not isinstance(image[0], list) or not image[0] or not isinstance(image[0][0], list):
            # one image: checked here, so a bad one is a 400 and never joins a batch
            return await self.classify(self.model.tensor(image, (28, 28), MEAN, STD))
        if len(image) > MAX_IMAGES:
            raise HTTPException(400, "at most %d images per request, got %d" % (MAX_IMAGES, len(image)))
        # a batch request: every image joins the batch on its own, all before the first is awaited
        images = [img[0] if len(img) == 1 and isinstance(img[0], list) and img[0] and isinstance(img[0][0], list)
                  else img for img in image]
        pending = [self.classify(self.model.tensor(img, (28, 28), MEAN, STD)) for img in images]
        results = [await p for p in pending]
        return {"predicted_label": [r["predicted_label"] for r in results],
                "logits": [r["logits"] for r in results]}


def answer(row):
    # row is the model's output as Java floats: read here, sent on as it is (no copy into Python)
    best = 0
    for i in range(1, len(row)):
        if row[i] > row[best]:
            best = i
    return {"predicted_label": best, "logits": row}


app = MnistClassifier.bind()
