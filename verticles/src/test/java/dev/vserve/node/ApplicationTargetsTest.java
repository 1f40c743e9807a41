package dev.vserve.node;

import dev.vserve.Application;
import dev.vserve.Serve;
import dev.vserve.spi.ApplicationLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several targets read side by side: answers in the order given, and the first failure in that order. */
class ApplicationTargetsTest {
  public static class Ping {
    public String call() {
      return "pong";
    }
  }

  public static class Pong {
    public String call() {
      return "ping";
    }
  }

  public static final Application ping = Serve.deployment(Ping.class).bind();
  public static final Application pong = Serve.deployment(Pong.class).bind();

  private static final String PREFIX = ApplicationTargetsTest.class.getName() + ":";

  @Test
  void targetsAreReadInTheOrderGiven() {
    List<String> paths = List.of(PREFIX + "pong", PREFIX + "ping", PREFIX + "pong", PREFIX + "ping", PREFIX + "ping");
    List<ApplicationLoader.Loaded> loaded = ApplicationTargets.loadAll(paths);
    assertEquals(List.of("Pong", "Ping", "Pong", "Ping", "Ping"), loaded.stream().map(l -> l.app().deploymentName()).toList());
  }

  @Test
  void theFirstFailureInOrderIsTheOneReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApplicationTargets.loadAll(
        List.of(PREFIX + "ping", "no.such.First", PREFIX + "pong", "no.such.Second")));
    assertTrue(e.getMessage().contains("no.such.First"), e.getMessage());
  }

  @Test
  void oneTargetOrNone() {
    assertEquals("Ping", ApplicationTargets.loadAll(List.of(PREFIX + "ping")).get(0).app().deploymentName());
    assertEquals(List.of(), ApplicationTargets.loadAll(List.of()));
  }
}
