package dev.vserve.examples.mnist;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.nio.file.Path;
import java.util.Random;

/**
 * Trains the seed's CNN on the 8000 training digits until the 2000 held-out ones reach the target
 * accuracy, and writes {@code models/mnist/mnist-0000.params}. Reproduces the committed weights:
 * {@code java -cp ... dev.vserve.examples.mnist.MnistTrainer [outDir] [targetAccuracy]}.
 */
public final class MnistTrainer {
  public static final Path DEFAULT_DIR = Path.of("examples-java/models/mnist");
  private static final int BATCH = 64;
  private static final int MAX_EPOCHS = 20;

  private MnistTrainer() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
    System.setProperty("ai.djl.offline", "true");
    Path out = args.length > 0 ? Path.of(args[0]) : DEFAULT_DIR;
    double target = args.length > 1 ? Double.parseDouble(args[1]) : 0.975;
    MnistData data = MnistData.load();
    Engine.getInstance().setRandomSeed(42);
    try (Model model = Model.newInstance("mnist")) {
      model.setBlock(MnistNet.block());
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, 1, 28, 28));
        Random rnd = new Random(7);
        int[] order = new int[data.trainCount];
        for (int i = 0; i < order.length; i++) order[i] = i;
        double accuracy = 0;
        for (int epoch = 1; epoch <= MAX_EPOCHS && accuracy < target; epoch++) {
          long t0 = System.nanoTime();
          shuffle(order, rnd);
          double lossSum = 0;
          for (int start = 0; start < order.length; start += BATCH) {
            int n = Math.min(BATCH, order.length - start);
            try (NDManager batch = model.getNDManager().newSubManager()) {
              NDArray x = batch.create(images(data, order, start, n), new Shape(n, 1, 28, 28));
              NDArray y = batch.create(labels(data, order, start, n));
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList pred = trainer.forward(new NDList(x));
                NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
                gc.backward(loss);
                lossSum += loss.getFloat() * n;
                pred.close();
                loss.close();
              }
              trainer.step();
            }
          }
          accuracy = evaluate(model, data);
          System.out.printf("epoch %d: loss %.4f, held-out accuracy %.4f (%.1f s)%n", epoch,
              lossSum / order.length, accuracy, (System.nanoTime() - t0) / 1e9);
        }
        model.setProperty("Accuracy", String.format("%.4f", accuracy));
        model.save(out, "mnist");
        System.out.printf("saved %s (held-out accuracy %.4f)%n", out.resolve("mnist-0000.params"), accuracy);
      }
    }
  }

  /** Accuracy on the held-out digits, inference mode (dropout off). */
  static double evaluate(Model model, MnistData data) {
    int correct = 0;
    int[] test = new int[data.testCount()];
    for (int i = 0; i < test.length; i++) test[i] = data.trainCount + i;
    for (int start = 0; start < test.length; start += 500) {
      int n = Math.min(500, test.length - start);
      try (NDManager m = model.getNDManager().newSubManager()) {
        NDArray x = m.create(images(data, test, start, n), new Shape(n, 1, 28, 28));
        NDArray out = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
        long[] predicted = out.argMax(1).toLongArray();
        for (int k = 0; k < n; k++) if (predicted[k] == data.label(test[start + k])) correct++;
      }
    }
    return correct / (double) test.length;
  }

  private static float[] images(MnistData data, int[] idx, int start, int n) {
    float[] raw = new float[n * MnistData.PIXELS];
    for (int k = 0; k < n; k++) {
      int base = idx[start + k] * MnistData.PIXELS;
      for (int p = 0; p < MnistData.PIXELS; p++) raw[k * MnistData.PIXELS + p] = (data.pixels[base + p] & 0xff) / 255f;
    }
    MnistNet.normalise(raw, raw);
    return raw;
  }

  private static float[] labels(MnistData data, int[] idx, int start, int n) {
    float[] y = new float[n];
    for (int k = 0; k < n; k++) y[k] = data.label(idx[start + k]);
    return y;
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
