package dev.vserve.examples.mnist;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/** The seed tutorial's MNIST CNN as a DJL block; outputs log-probabilities, as its forward does. */
public final class MnistNet {
  /** The seed's normalisation of pixel values in [0, 1]. */
  public static final float MEAN = 0.1307f;
  public static final float STD = 0.3013f;

  private MnistNet() {}

  public static SequentialBlock block() {
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build())
        .add(Activation::relu)
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build())
        .add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Dropout.builder().optRate(0.25f).build())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(128).build())
        .add(Activation::relu)
        .add(Dropout.builder().optRate(0.5f).build())
        .add(Linear.builder().setUnits(10).build())
        .add(x -> new NDList(x.singletonOrThrow().logSoftmax(1)));
  }

  /** Normalises {@code count} images of 784 values in [0, 1] into {@code out}, as the model expects. */
  public static void normalise(float[] pixels01, float[] out) {
    normalise(pixels01, out, 0);
  }

  /** The same into {@code out} from index {@code at} (a batch's input, one request after another). */
  public static void normalise(float[] pixels01, float[] out, int at) {
    for (int i = 0; i < pixels01.length; i++) out[at + i] = (pixels01[i] - MEAN) / STD;
  }
}
