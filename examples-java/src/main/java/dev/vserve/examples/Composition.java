package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.BadRequestException;
import dev.vserve.Deployment;
import dev.vserve.DeploymentHandle;
import dev.vserve.Request;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;

import java.util.Map;

/**
 * The Ray Serve composition example: two Adders and a Combiner behind an Ingress.
 * {@code POST /} with {@code {"val": 100.0}} answers {@code {"result": 101.5}}.
 */
public final class Composition {
  private Composition() {}

  @Deployment
  public static class Adder {
    private final int increment;

    public Adder(int increment) {
      this.increment = increment;
    }

    public double add(double inp) {
      return increment + inp;
    }
  }

  @Deployment
  public static class Combiner {
    public double average(double... inputs) {
      double sum = 0;
      for (double v : inputs) sum += v;
      return sum / inputs.length;
    }
  }

  @Deployment
  public static class Ingress {
    private final DeploymentHandle adder1;
    private final DeploymentHandle adder2;
    private final DeploymentHandle combiner;

    public Ingress(DeploymentHandle adder1, DeploymentHandle adder2, DeploymentHandle combiner) {
      this.adder1 = adder1;
      this.adder2 = adder2;
      this.combiner = combiner;
    }

    /** The adders' responses go to the combiner unresolved: composition without blocking. */
    public Future<Map<String, Object>> call(Request request) {
      JsonNode val = request.json().get("val");
      if (val == null || !val.isNumber()) throw new BadRequestException("body must be {\"val\": <number>}");
      return combiner.method("average")
          .remote(adder1.method("add").remote(val.asDouble()), adder2.method("add").remote(val.asDouble()))
          .map(result -> Map.of("result", result));
    }
  }

  public static final Application app = Application.bind(Ingress.class,
      Application.bind(Adder.class, 1), Application.bind(Adder.class, 2), Application.bind(Combiner.class));
}
