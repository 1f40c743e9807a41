package dev.vserve.python.impl;

import dev.vserve.DeploymentConfig;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.http.RouteConformance;
import dev.vserve.spi.ReplicaSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** A Python ingress against the shared route table, in a real replica (its own GraalPy context and thread). */
class RouteConformanceTest {
  static PythonReplica replica;

  @BeforeAll
  static void start() throws Throwable {
    Path app = Path.of(RouteConformanceTest.class.getResource("/conformance/routes_app.py").toURI());
    replica = PythonReplica.start(spec("python:" + app + ":Routes"), a -> a);
  }

  @AfterAll
  static void stop() {
    if (replica != null) replica.close();
  }

  private static ReplicaSpec spec(String code) {
    return new ReplicaSpec() {
      @Override public String name() { return "Routes"; }
      @Override public String code() { return code; }
      @Override public DeploymentConfig config() { return new DeploymentConfig(); }
      @Override public Object[] initArgs() { return new Object[0]; }
      @Override public Map<String, Object> initKwargs() { return Map.of(); }
    };
  }

  @TestFactory
  Stream<DynamicTest> pythonIngressAnswersEveryRowOfTheTable() throws Exception {
    return RouteConformance.tests(req -> replica.invoke(Call.http("c", req, null, 0, "test", false)));
  }
}
