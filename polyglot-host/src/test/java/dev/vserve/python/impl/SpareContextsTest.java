package dev.vserve.python.impl;

import dev.vserve.DeploymentConfig;
import dev.vserve.impl.call.Call;
import dev.vserve.spi.ReplicaSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Another replica of a running application starts in a context made ahead, and shares nothing with the first. */
class SpareContextsTest {
  @Test
  void anotherReplicaTakesTheContextMadeAheadAndStartsWithNothingOfTheFirst() throws Throwable {
    Path app = Path.of(SpareContextsTest.class.getResource("/spare/counter.py").toURI());
    ReplicaSpec spec = new ReplicaSpec() {
      @Override public String name() { return "Counter"; }
      @Override public String code() { return "python:" + app + ":Counter"; }
      @Override public DeploymentConfig config() { return new DeploymentConfig(); }
      @Override public Object[] initArgs() { return new Object[0]; }
      @Override public Map<String, Object> initKwargs() { return Map.of(); }
    };
    PythonReplica first = PythonReplica.start(spec, a -> a);
    PythonReplica second = null;
    try {
      assertEquals(1, ((Number) first.invoke(Call.method("a", "add", new Object[] {1}, 0, "test"))).intValue());
      assertEquals(2, ((Number) first.invoke(Call.method("b", "add", new Object[] {2}, 0, "test"))).intValue());
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!SpareContexts.ready(app.getParent())) {
        assertTrue(System.nanoTime() < deadline, "no context made ahead within 60 s");
        Thread.sleep(20);
      }
      second = PythonReplica.start(spec, a -> a);
      assertFalse(SpareContexts.ready(app.getParent()), "the second replica took the context made ahead");
      assertEquals(1, ((Number) second.invoke(Call.method("c", "add", new Object[] {5}, 0, "test"))).intValue(),
          "its module state is its own");
      assertEquals(3, ((Number) first.invoke(Call.method("d", "add", new Object[] {3}, 0, "test"))).intValue());
    } finally {
      first.close();
      if (second != null) second.close();
    }
  }
}
