# Model multiplexing, as Ray's guide shows it with only the import changed: one pool of replicas serves
# several variants of the MNIST classifier (made from the trained weights by examples-java's
# MnistVariants: mnist, mnist-fp16, mnist-int8, mnist-pruned), each replica holding at most two.
#   POST / {"image": [[28 floats] x 28]} with the header serve_multiplexed_model_id: mnist-int8
#   -> {"model": "mnist-int8", "predicted_label": 7, "replica": "...", "batch": n}
# Requests for a model go to a replica that holds it; a batch holds one model's requests only.
from vserve import serve, djl, HTTPException

MEAN, STD = 0.1307, 0.3013
MODELS = {"mnist": "../examples-java/models/mnist"}
for variant in ("mnist-fp16", "mnist-int8", "mnist-pruned"):
    MODELS[variant] = "../examples-java/models/variants/" + variant


@serve.deployment(num_replicas=2, max_ongoing_requests=64)
class MnistModels:
    @serve.multiplexed(max_num_models_per_replica=2)
    async def get_model(self, model_id: str):
        if model_id not in MODELS:
            raise HTTPException(404, "no model '%s' (models: %s)" % (model_id, ", ".join(sorted(MODELS))))
        return djl.load_model(MODELS[model_id], "mnist", "mnist-cnn").split_batches_of(32)

    @serve.batch(max_batch_size=64, batch_wait_timeout_s=0.01)
    async def classify(self, images):
        model_id = serve.get_multiplexed_model_id()   # one model per batch
        model = await self.get_model(model_id)
        rows = await model.predict_async(images, shape=(-1, 1, 28, 28), mean=MEAN, std=STD)
        replica = serve.get_replica_context().replica_tag
        return [{"model": model_id, "predicted_label": best(row), "replica": replica, "batch": len(images)}
                for row in rows]

    async def __call__(self, request):
        image = (await request.json()).get("image")
        if not isinstance(image, list) or len(image) != 28:
            raise HTTPException(400, 'expected {"image": [[28 numbers] x 28]}')
        if not serve.get_multiplexed_model_id():
            raise HTTPException(400, "name a model with the serve_multiplexed_model_id header")
        return await self.classify(image)


def best(row):
    return max(range(len(row)), key=lambda i: row[i])   # the first of the highest


app = MnistModels.bind()
