package dev.vserve;

import dev.vserve.testing.ChildProcess;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /-/dashboard} in a real headless browser (Debian's Chromium; {@code ./vserve test}
 * installs it where missing): the page loads its vendored chart library and script without a console
 * message, lists the deployed application, and its request-rate chart moves while traffic flows.
 */
class DashboardTest {
  @TempDir
  Path profile;

  @Deployment(numReplicas = 2)
  public static class Hello {
    public String call(Request r) {
      return "hello";
    }
  }

  private static ChildProcess browser(List<String> command) {
    try {
      return ChildProcess.start(command);
    } catch (java.io.IOException e) {
      throw new AssertionError("Chromium is needed (Debian package chromium; ./vserve test installs it): " + e.getMessage(), e);
    }
  }

  @Test
  void thePageShowsTheApplicationsAndItsChartsFollowTheTraffic() throws Exception {
    ServeNode node = Nodes.start();
    AtomicBoolean on = new AtomicBoolean(true);
    Thread load = null;
    try {
      Nodes.deploy(node, Application.bind(Hello.class), "greeter", "/greeter");
      Http http = new Http(node.httpPort());
      assertEquals(200, http.get("/-/dashboard").statusCode());
      assertEquals(200, http.get("/-/dashboard/uPlot.iife.min.js").statusCode(), "the chart library is in the jar");
      assertEquals(404, http.get("/-/dashboard/../../etc/passwd").statusCode());
      load = Thread.ofPlatform().daemon().start(() -> {
        while (on.get()) http.get("/greeter");
      });
      ChildProcess browser = browser(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000",
          "--dump-dom", "http://127.0.0.1:" + node.httpPort() + "/-/dashboard"));
      assertTrue(browser.awaitExit(120, TimeUnit.SECONDS), "chromium ran past two minutes");
      String out = String.join("\n", browser.lines);
      List<String> console = new ArrayList<>();
      for (String line : browser.lines) if (line.contains(":CONSOLE") || line.contains("CONSOLE(") || line.contains("Uncaught")) console.add(line);
      assertEquals(List.of(), console, "the page wrote to the console");
      assertTrue(out.contains("data-applications=\"greeter\""), "the application is listed:\n" + out);
      Matcher samples = Pattern.compile("data-samples=\"(\\d+)\"").matcher(out);
      assertTrue(samples.find() && Integer.parseInt(samples.group(1)) >= 3, "several refreshes without a reload:\n" + out);
      Matcher rps = Pattern.compile("data-rps=\"([0-9.]+)\"").matcher(out);
      assertTrue(rps.find() && Double.parseDouble(rps.group(1)) > 0, "the request rate follows the traffic:\n" + out);
      assertTrue(out.contains("class=\"uplot"), "uPlot drew the charts:\n" + out);
    } finally {
      on.set(false);
      if (load != null) load.join(10_000);
      Nodes.close(node);
    }
  }
}
