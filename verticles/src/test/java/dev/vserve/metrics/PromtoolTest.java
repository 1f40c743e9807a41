package dev.vserve.metrics;

import dev.vserve.Application;
import dev.vserve.ServeNode;
import dev.vserve.testing.ChildProcess;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real node's scrape, after traffic of every kind MetricsTest makes, passes Prometheus' own
 * {@code promtool check metrics} (format and naming lint). {@code ./vserve test} installs promtool
 * (Debian's prometheus package) where it is missing.
 */
class PromtoolTest {
  @Test
  void theScrapePassesPromtool() throws Exception {
    ServeNode node = Nodes.start();
    try {
      Nodes.deploy(node, Application.bind(MetricsTest.Busy.class, Application.bind(MetricsTest.Svc.class)), "busy", "/busy");
      Http http = new Http(node.httpPort());
      for (String path : List.of("/busy/call", "/busy/plain", "/busy/items", "/busy/batched", "/busy/bad", "/nowhere")) http.get(path);
      Path scrape = Files.createTempFile("vserve-scrape", ".txt");
      Files.writeString(scrape, http.get("/-/metrics").body());
      ChildProcess check;
      try {
        check = ChildProcess.start(List.of("sh", "-c", "promtool check metrics < " + scrape));
      } catch (java.io.IOException e) {
        throw new AssertionError("cannot run promtool: " + e.getMessage(), e);
      }
      assertTrue(check.awaitExit(60, TimeUnit.SECONDS), "promtool ran past a minute");
      String out = String.join("\n", check.lines);
      assertTrue(!out.contains("not found"), "promtool is needed (Debian package prometheus; ./vserve test installs it): " + out);
      assertEquals(0, check.process.exitValue(), "promtool check metrics found problems:\n" + out);
    } finally {
      Nodes.close(node);
    }
  }
}
