package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.BadRequestException;
import dev.vserve.Deployment;
import dev.vserve.DeploymentHandle;
import dev.vserve.Request;
import dev.vserve.python.PythonApplications;
import io.vertx.core.Future;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Java ingress calling a Python deployment ({@code Scaler} of {@code examples-python/mixed.py})
 * through a handle, as it would call a Java one. {@code POST /} with {@code {"val": 10}} answers
 * {@code {"scaled": 30.0, "by": "java"}}.
 */
public final class Mixed {
  private Mixed() {}

  @Deployment
  public static class JavaIngress {
    private final DeploymentHandle scaler;

    public JavaIngress(DeploymentHandle scaler) {
      this.scaler = scaler;
    }

    public Future<Map<String, Object>> call(Request request) {
      var val = request.json().get("val");
      if (val == null || !val.isNumber()) throw new BadRequestException("body must be {\"val\": <number>}");
      return scaler.method("scale").remote(val.asDouble()).map(scaled -> Map.of("scaled", scaled, "by", "java"));
    }
  }

  static String pythonFile() {
    Path p = Path.of("examples-python/mixed.py");
    return (Files.isRegularFile(p) ? p : Path.of("../examples-python/mixed.py")).toString();
  }

  public static final Application app =
      Application.bind(JavaIngress.class, PythonApplications.deployment(pythonFile(), "Scaler", 3.0));
}
