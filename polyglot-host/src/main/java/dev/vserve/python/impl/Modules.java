package dev.vserve.python.impl;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The user's Python file, run as a module in the current context. */
final class Modules {
  private Modules() {}

  /**
   * Runs {@code file} and returns its attribute {@code qualname} (dotted for nested names). As the
   * launcher reads it, the module is {@code __main__}; in a replica it is named after the file, so
   * {@code if __name__ == "__main__":} blocks stay out. Errors name the file and line.
   */
  static Value load(Path file, String qualname, boolean asMain) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String stem = file.getFileName().toString().replaceFirst("\\.py$", "");
    Value loader = Context.getCurrent().eval("python", "import vserve\nvserve").getMember("_load");
    Value result = loader.execute(file.toString(), text, asMain ? "__main__" : stem, qualname);
    if (!result.getArrayElement(0).asBoolean()) throw new IllegalArgumentException(result.getArrayElement(1).asString());
    return result.getArrayElement(1);
  }

  /** The module itself (as the launcher reads the file). */
  static Value loadModule(Path file) {
    return load(file, null, true);
  }
}
