package dev.vserve.djl;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.vserve.ReplicaContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A DJL model loaded from a local directory onto the replica's device, in one line:
 *
 * <pre>{@code
 * DjlModel model = DjlModel.load(Path.of("models/mnist"), "mnist", MnistNet.block());
 * float[][] logits = model.predict(pixels, batch, 1, 28, 28);   // one row per input
 * }</pre>
 *
 * The weights are shared; predictors are not thread-safe, so each call borrows one from a pool
 * (one per concurrently calling thread, created on demand). Inputs and outputs are flat float
 * buffers: no element-by-element copying in user code, Java or Python.
 */
public final class DjlModel implements AutoCloseable {
  static {
    // offline by design, and one PyTorch thread per predictor: on small machines the default
    // thread pools fight each other and throughput collapses
    setDefault("ai.djl.offline", "true");
    setDefault("OPT_OUT_TRACKING", "true");
    setDefault("ai.djl.pytorch.num_threads", "1");
    setDefault("ai.djl.pytorch.num_interop_threads", "1");
    if (System.getenv("OMP_NUM_THREADS") == null) {
      // PyTorch sets its OpenMP thread count only on the thread that starts the engine; any other
      // thread (a virtual thread's carrier) gets one OpenMP thread per core, which spin against the
      // event loops and slowed MNIST batches several times here
      System.getLogger(DjlModel.class.getName()).log(System.Logger.Level.WARNING,
          "OMP_NUM_THREADS is not set; set OMP_NUM_THREADS=1 for steady PyTorch CPU inference (./vserve does)");
    }
    String heap = dev.vserve.djl.impl.NativeHeap.keepFreedMemory();
    System.getLogger(DjlModel.class.getName()).log(heap.startsWith("mallopt") ? System.Logger.Level.WARNING
        : System.Logger.Level.DEBUG, "native heap: " + heap);
  }

  private final Model model;
  private volatile int maxForwardBatch = Integer.MAX_VALUE;
  private final ConcurrentLinkedQueue<Predictor<FloatInput, float[][]>> idle = new ConcurrentLinkedQueue<>();

  private DjlModel(Model model) {
    this.model = model;
  }

  /** Loads {@code dir/name-NNNN.params} into {@code block} on the device of the calling replica. */
  private static final System.Logger LOG = System.getLogger(DjlModel.class.getName());
  /** The engine and its devices are said once per process, as the first model loads. */
  private static final java.util.concurrent.atomic.AtomicBoolean ENGINE_SAID = new java.util.concurrent.atomic.AtomicBoolean();

  public static DjlModel load(Path dir, String name, Block block) {
    return load(dir, name, block, deviceForCurrentReplica());
  }

  public static DjlModel load(Path dir, String name, Block block, Device device) {
    if (ENGINE_SAID.compareAndSet(false, true)) {
      int gpus = Engine.getInstance().getGpuCount();
      LOG.log(System.Logger.Level.INFO, "DJL " + Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion()
          + (gpus == 0 ? ", no GPU on this machine: models run on the CPU" : ", " + gpus + " GPU(s)"));
    }
    Model model = Model.newInstance(name, device);
    model.setBlock(block);
    try {
      model.load(dir, name);
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException("cannot read model '" + name + "' from " + dir.toAbsolutePath(), e);
    } catch (MalformedModelException e) {
      model.close();
      throw new IllegalArgumentException("model '" + name + "' in " + dir.toAbsolutePath() + " does not fit its block: "
          + e.getMessage(), e);
    }
    return new DjlModel(model);
  }

  /**
   * The device a replica's {@code numGpus} asks for: the GPU placement gave it (fractional shares
   * of one GPU land on the same index) when the machine has it, else the CPU, so the same code runs
   * everywhere.
   */
  public static Device deviceForCurrentReplica() {
    ReplicaContext ctx = ReplicaContext.current();
    double gpus = ctx == null ? 0 : ctx.config().getNumGpus();
    int available = gpus > 0 ? Engine.getInstance().getGpuCount() : 0;
    if (available == 0) return Device.cpu();
    int index = ctx.gpuIds().isEmpty() ? 0 : ctx.gpuIds().get(0);
    return Device.gpu(index < available ? index : 0);
  }

  /**
   * Splits larger inputs into forward passes of at most {@code n} samples. On CPUs with glibc a big
   * pass can be several times slower per sample: its memory comes fresh from the OS on each pass
   * (blocks over the 32 MB mmap threshold, or a thread's second 64 MB heap, unmapped once empty
   * unless the top pad keeps it; see NativeHeap) and every page of it faults in (MNIST's CNN: 0.27 ms per image in
   * passes of 32; in passes of 128 the same when no page faults, 0.75-1.5 ms with 80,000-200,000
   * faults per 2000 images, in most rounds); requests can still be collected in big batches.
   */
  public DjlModel splitBatchesOf(int n) {
    if (n < 1) throw new IllegalArgumentException("forward batch must be >= 1");
    maxForwardBatch = n;
    return this;
  }

  public Device device() {
    return model.getNDManager().getDevice();
  }

  public Model model() {
    return model;
  }

  /**
   * Runs the model on one input tensor given as a flat buffer and its shape (batch first); returns
   * the output as one row per batch entry.
   */
  public float[][] predict(float[] data, long... shape) {
    long t0 = System.nanoTime();
    if (!enter()) {
      throw new dev.vserve.ServeException(503, "ModelUnloaded", "model " + model.getName() + " was unloaded (closed, or evicted "
          + "from this replica's multiplexed models) before this prediction; try again");
    }
    try {
      return predictRows(data, shape);
    } finally {
      exit();
      dev.vserve.ReplicaContext replica = dev.vserve.ReplicaContext.current();
      if (replica != null) dev.vserve.impl.Telemetry.sink().inference(replica, model.getName(), System.nanoTime() - t0);
    }
  }

  private float[][] predictRows(float[] data, long... shape) {
    long n = shape[0];
    if (n <= maxForwardBatch) return forward(data, shape);
    int sample = (int) (data.length / n);
    float[][] out = new float[(int) n][];
    long[] part = shape.clone();
    for (int start = 0; start < n; start += maxForwardBatch) {
      int k = (int) Math.min(maxForwardBatch, n - start);
      part[0] = k;
      float[][] rows = forward(java.util.Arrays.copyOfRange(data, start * sample, (start + k) * sample), part);
      System.arraycopy(rows, 0, out, start, k);
    }
    return out;
  }

  private float[][] forward(float[] data, long... shape) {
    Predictor<FloatInput, float[][]> p = idle.poll();
    if (p == null) p = model.newPredictor(new FloatTranslator());
    try {
      return p.predict(new FloatInput(data, new Shape(shape)));
    } catch (TranslateException e) {
      throw new IllegalArgumentException("model " + model.getName() + " failed on input of shape "
          + new Shape(shape) + ": " + e.getMessage(), e);
    } finally {
      idle.offer(p);
    }
  }

  /**
   * Frees the weights once no prediction runs on them any more: a model evicted while a batch still
   * runs on it (multiplexing) is freed by that batch's end, never under it. Predictions after this fail.
   */
  @Override
  public void close() {
    closed = true;
    if (inUse.get() == 0) free();
  }

  private final java.util.concurrent.atomic.AtomicInteger inUse = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicBoolean freed = new java.util.concurrent.atomic.AtomicBoolean();

  private boolean enter() {
    inUse.incrementAndGet();
    if (!closed) return true;
    exit();
    return false;
  }

  private void exit() {
    if (inUse.decrementAndGet() == 0 && closed) free();
  }

  private void free() {
    if (!freed.compareAndSet(false, true)) return;
    for (Predictor<?, ?> p; (p = idle.poll()) != null; ) p.close();
    model.close();
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }

  private record FloatInput(float[] data, Shape shape) {}

  private static final class FloatTranslator implements NoBatchifyTranslator<FloatInput, float[][]> {
    @Override
    public NDList processInput(TranslatorContext ctx, FloatInput input) {
      return new NDList(ctx.getNDManager().create(input.data(), input.shape()));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
      NDArray out = list.singletonOrThrow();
      int rows = (int) out.getShape().get(0);
      float[] flat = out.toFloatArray();
      int width = flat.length / Math.max(1, rows);
      float[][] result = new float[rows][];
      for (int r = 0; r < rows; r++) result[r] = java.util.Arrays.copyOfRange(flat, r * width, (r + 1) * width);
      return result;
    }
  }
}
