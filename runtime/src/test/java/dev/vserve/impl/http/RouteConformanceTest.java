package dev.vserve.impl.http;

import dev.vserve.Delete;
import dev.vserve.Get;
import dev.vserve.Param;
import dev.vserve.Post;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.replica.DeploymentInvoker;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

/** The Java ingress against the shared route table; polyglot-host holds Python to the same rows. */
class RouteConformanceTest {
  /** The table's application in Java. */
  public static class Routes {
    @Get("/items/{id}")
    public Map<String, Object> item(@Param("id") int id) {
      return Map.of("id", id);
    }

    @Get("/items/latest")
    public Map<String, Object> latest() {
      return Map.of("latest", true);
    }

    @Delete("/items/{id}")
    public Map<String, Object> remove(@Param("id") int id) {
      return Map.of("deleted", id);
    }

    @Get("/echo/{name}")
    public Map<String, Object> echo(@Param("name") String name) {
      return Map.of("name", name);
    }

    @Get("/search")
    public Map<String, Object> search(@Param("q") String q, @Param(value = "limit", defaultValue = "10") int limit) {
      return Map.of("q", q, "limit", limit);
    }

    @Post("/add")
    public Map<String, Object> add(@Param("a") int a, @Param("b") int b) {
      return Map.of("sum", a + b);
    }

    @Get("/sum")
    public Map<String, Object> total(@Param("a") int a, @Param("b") int b) {
      return Map.of("sum", a + b);
    }

    @Get("/users/{user}/posts/{post}")
    public Map<String, Object> post(@Param("user") String user, @Param("post") int post) {
      return Map.of("user", user, "post", post);
    }
  }

  @TestFactory
  Stream<DynamicTest> javaIngressAnswersEveryRowOfTheTable() throws Throwable {
    DeploymentInvoker invoker = DeploymentInvoker.create(Routes.class, new Object[0], a -> a);
    return RouteConformance.tests(req -> invoker.invoke(Call.http("c", req, null, 0, "test", false)));
  }
}
