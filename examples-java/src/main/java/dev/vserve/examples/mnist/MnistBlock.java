package dev.vserve.examples.mnist;

import ai.djl.nn.Block;
import dev.vserve.djl.ModelBlock;

/** The MNIST CNN by name, for deployments that cannot build it themselves (Python's {@code djl.load_model}). */
public final class MnistBlock implements ModelBlock {
  @Override
  public String name() {
    return "mnist-cnn";
  }

  @Override
  public Block newBlock() {
    return MnistNet.block();
  }
}
