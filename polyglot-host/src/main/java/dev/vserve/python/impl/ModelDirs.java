package dev.vserve.python.impl;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Python code may load model weights from: its application's folder, and the model directories
 * the operator lists ({@code --model-dir DIR}, the system property {@value #PROPERTY}). Links are
 * resolved before the check, as for every read of Python's.
 */
public final class ModelDirs {
  /** Paths separated by the platform's path separator. */
  public static final String PROPERTY = dev.vserve.impl.PythonHostProperties.MODEL_DIRS;

  private ModelDirs() {}

  static List<Path> allowed() {
    List<Path> dirs = new ArrayList<>();
    for (String d : System.getProperty(PROPERTY, "").split(java.io.File.pathSeparator)) {
      if (!d.isBlank()) dirs.add(Path.of(d.trim()));
    }
    return dirs;
  }

  /** {@code path} (relative to the application's folder) if it lies in an allowed place. */
  static Path resolve(Path appDir, String path) throws IOException {
    Path wanted = appDir.resolve(path);
    try {
      return new AppFileSystem(appDir).allowed(wanted);
    } catch (AccessDeniedException outside) {
      for (Path dir : allowed()) {
        try {
          return new AppFileSystem(dir).allowed(wanted);
        } catch (AccessDeniedException notHere) {
          // try the next
        }
      }
      throw new AccessDeniedException(wanted.normalize().toString(), null, "vserve sandbox: models load only from the "
          + "application's folder or a directory given with --model-dir (given: " + allowed() + ")");
    }
  }
}
