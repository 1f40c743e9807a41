from vserve import _context as _ctx
from vserve.handle import _Pending

# ---------------------------------------------------------------------------------------------
# DJL models from Python: loaded and run in Java, on the replica's device

class _Djl:
    def load_model(self, path, name, block):
        """Loads `path/name-NNNN.params` into the named block (a Java ModelBlock registered by the
        application, e.g. "mnist-cnn") on this replica's device (its GPU share, else the CPU)."""
        return Model(_ctx.host.loadModel(path, name, block))


class Model:
    def __init__(self, java):
        self._j = java

    def predict(self, inputs, shape=None, mean=0.0, std=1.0):
        """Runs the model on nested lists (or a list of them); the values are read in Java.
        Returns one list of floats per batch entry."""
        return self._j.predict(inputs, list(shape) if shape is not None else None, float(mean), float(std))

    def predict_async(self, inputs, shape=None, mean=0.0, std=1.0):
        """predict() with the forward pass off the replica's thread: `await` it, and the replica
        serves other requests (and collects the next batch) while the model runs."""
        return _Pending(self._j.predictAsync(inputs, list(shape) if shape is not None else None, float(mean), float(std)))

    def tensor(self, data, shape=None, mean=0.0, std=1.0):
        """Reads and checks one input now (a 400 naming the problem if it is not `shape` numbers),
        normalised as (x - mean) / std; predict() takes a list of these."""
        return self._j.tensor(data, list(shape) if shape is not None else None, float(mean), float(std))

    def split_batches_of(self, n):
        self._j.splitBatchesOf(int(n))
        return self

    def close(self):
        """Frees the weights (an evicted multiplexed model is closed)."""
        self._j.close()


djl = _Djl()
