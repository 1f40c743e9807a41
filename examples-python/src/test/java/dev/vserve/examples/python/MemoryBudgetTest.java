package dev.vserve.examples.python;

import dev.vserve.testing.Http;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Python handler that allocates without end, in a node with a small heap: its replica is failed and
 * replaced once it goes over its memory budget with the heap running full; the node lives on.
 */
class MemoryBudgetTest {
  static Launcher launcher;

  @BeforeAll
  static void start() throws Exception {
    launcher = Launcher.run(List.of("-Xmx512m"), 1, "src/test/python/hog.py");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (launcher != null) launcher.close();
  }

  @Test
  void aReplicaThatAllocatesWithoutEndIsReplacedAndTheNodeServesOn() {
    Http http = new Http(launcher.port);
    assertEquals(200, http.get("/").statusCode());
    HttpResponse<String> hog = http.get("/?hog=1");
    assertTrue(hog.statusCode() >= 500, hog.body());
    Poll.until("the over-budget replica to be reported; output: see below", Duration.ofSeconds(60),
        () -> launcher.child.lines.stream().anyMatch(l -> l.contains("over its memory budget")));
    Poll.until("a fresh replica to answer", Duration.ofSeconds(60), () -> http.get("/").statusCode() == 200);
    assertTrue(launcher.child.process.isAlive(), String.join("\n", launcher.child.lines));
    assertTrue(launcher.child.lines.stream().noneMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", launcher.child.lines));
  }
}
