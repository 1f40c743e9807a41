# Asynchronous inference, as in Ray Serve's guide, with only the imports changed: an HTTP ingress
# queues slow MNIST batch jobs and answers with a task id at once; a @task_consumer deployment
# classifies the images on DJL; the client polls for the labels.
#   POST /submit {"images": [[[28 floats] x 28], ...]}  -> {"task_id": "..."}
#   GET  /status/<task_id>                               -> {"status": "SUCCESS", "result": {"labels": [...]}}
# The queue is also reachable without the ingress:
#   POST /-/tasks/mnist-py-jobs {"task_name": "classify", "args": [[image, ...]]}, then GET /-/tasks/<id>.
# Ray's Celery settings are accepted and replaced: the queue lives in vserve's cluster (Hazelcast).
from fastapi import FastAPI
from vserve import serve, djl
from vserve.serve.schema import CeleryAdapterConfig, TaskProcessorConfig
from vserve.serve.task_consumer import instantiate_adapter_from_config, task_consumer, task_handler

MEAN, STD = 0.1307, 0.3013   # the training set's statistics, as the Java service uses them
MAX_IMAGES = 2000

processor_config = TaskProcessorConfig(
    queue_name="mnist-py-jobs",
    adapter_config=CeleryAdapterConfig(broker_url="redis://localhost:6379/0", backend_url="redis://localhost:6379/1"),
    max_retries=2,
    failed_task_queue_name="mnist-py-jobs-failed",
)


@serve.deployment(max_ongoing_requests=2)
@task_consumer(task_processor_config=processor_config)
class MnistJobs:
    def __init__(self, model_dir: str = "../examples-java/models/mnist"):
        self.model = djl.load_model(model_dir, "mnist", "mnist-cnn").split_batches_of(32)

    @task_handler(name="classify")
    def classify(self, images):
        if not isinstance(images, list) or not 1 <= len(images) <= MAX_IMAGES:
            raise ValueError("a job is a list of 1 to %d images of 28 x 28 numbers" % MAX_IMAGES)
        rows = self.model.predict([self.model.tensor(img, (28, 28), MEAN, STD) for img in images], shape=(-1, 1, 28, 28))
        return {"count": len(images), "labels": [best(row) for row in rows]}


def best(row):
    return max(range(len(row)), key=lambda i: row[i])   # the first of the highest


api = FastAPI()


@serve.deployment
@serve.ingress(api)
class JobsApi:
    def __init__(self, consumer):
        self.consumer = consumer   # bound so that the consumer deploys with the ingress
        self.tasks = instantiate_adapter_from_config(task_processor_config=processor_config)

    @api.post("/submit")
    async def submit(self, request):
        body = await request.json()
        task = await self.tasks.enqueue_task_async("classify", args=[body.get("images")])
        return {"task_id": task.id}

    @api.get("/status/{task_id}")
    async def status(self, task_id: str):
        task = await self.tasks.get_task_status_async(task_id)
        return {"status": task.status, "result": task.result, "error": task.error, "attempts": task.attempts}


app = JobsApi.bind(MnistJobs.bind())
