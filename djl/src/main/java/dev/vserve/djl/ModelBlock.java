package dev.vserve.djl;

import ai.djl.nn.Block;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A model architecture under a name, so code that cannot build DJL blocks itself (Python replicas)
 * can load weights into it: {@code djl.load_model("models/mnist", "mnist", "mnist-cnn")}. Register
 * implementations through {@link ServiceLoader} ({@code META-INF/services/dev.vserve.djl.ModelBlock}).
 */
public interface ModelBlock {
  String name();

  /** A fresh, uninitialised block; weights are loaded into it. */
  Block newBlock();

  static Block named(String name) {
    List<String> known = new ArrayList<>();
    for (ModelBlock b : ServiceLoader.load(ModelBlock.class, ModelBlock.class.getClassLoader())) {
      if (b.name().equals(name)) return b.newBlock();
      known.add(b.name());
    }
    throw new IllegalArgumentException("no model block named '" + name + "' (registered: " + known + ")");
  }
}
