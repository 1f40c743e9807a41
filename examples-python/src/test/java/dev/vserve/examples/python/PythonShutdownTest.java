package dev.vserve.examples.python;

import dev.vserve.DeploymentResponse;
import dev.vserve.ServeNode;
import dev.vserve.python.PythonApplications;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Python handler stuck in a loop does not outlive its application: deleting it stops the replica,
 * cancelling the Python code that never returns, and its thread ends.
 */
class PythonShutdownTest {
  @Test
  void deletingAnApplicationCancelsAPythonHandlerThatSpins() throws Exception {
    ServeNode node = Nodes.start(new dev.vserve.ServeOptions().setHttpPort(0).setRequestTimeoutMs(1000));
    try {
      Nodes.deploy(node, new PythonApplications().load("src/test/python/spin.py").app(), "spin", "/");
      Http http = new Http(node.httpPort());
      assertEquals(200, http.get("/").statusCode());
      http.getAsync("/?forever=1");   // never answered by Python
      // the replica's one Python thread spins: the next request is not answered in time
      Poll.until("the handler to spin", Duration.ofSeconds(20), () -> http.get("/").statusCode() == 504);
      assertTrue(pythonThreadsAlive() >= 1);
      DeploymentResponse.of(node.delete("spin")).await();
      Poll.until("the replica's Python thread to end", Duration.ofSeconds(10), () -> pythonThreadsAlive() == 0);
    } finally {
      Nodes.close(node);
    }
  }

  @Test
  void aPythonReplicaInAnEndlessLoopIsReplacedAndItsCodeCancelled() throws Exception {
    ServeNode node = Nodes.start(new dev.vserve.ServeOptions().setHttpPort(0).setRequestTimeoutMs(1000));
    try {
      Nodes.deploy(node, new PythonApplications().load("src/test/python/spin.py").app(), "spin", "/");
      Http http = new Http(node.httpPort());
      assertEquals(504, http.get("/?forever=1").statusCode());
      // stuck once the loop has run past the request timeout plus the grace period: a fresh replica serves
      Poll.until("a fresh replica to answer", Duration.ofSeconds(60), () -> http.get("/").statusCode() == 200);
      String status = Http.json(http.get("/-/status")).toString();
      assertTrue(status.contains("HEALTHY"), status);
      // the old context was cancelled: one Python replica thread is left
      Poll.until("the stuck replica's thread to end", Duration.ofSeconds(30), () -> pythonThreadsAlive() == 1);
    } finally {
      Nodes.close(node);
    }
  }

  private static long pythonThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("vserve-py-spin#")).filter(Thread::isAlive).count();
  }
}
