package dev.vserve.node;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mistyped class name gets the nearest classes of its package, from folders and jars alike. */
class NearestClassesTest {
  @Test
  void aTypoInAClassOfAFolderOnTheClassPath() {
    assertEquals("dev.vserve.node.ApplicationTargets", NearestClasses.to("dev.vserve.node.ApplicationTarget", 3).get(0));
  }

  @Test
  void aTypoInAClassOfAJar() {
    assertTrue(NearestClasses.to("io.vertx.core.Vertz", 3).contains("io.vertx.core.Vertx"));
  }

  @Test
  void nothingNearOrNoSuchPackageSuggestsNothing() {
    assertEquals(List.of(), NearestClasses.to("dev.vserve.node.Zzzzzzzzzzzzzzzzzz", 3));
    assertEquals(List.of(), NearestClasses.to("no.such.pkg.HelloWorld", 3));
    assertEquals(List.of(), NearestClasses.to("HelloWorld", 3));
  }

  @Test
  void theTargetErrorNamesTheSuggestion() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ApplicationTargets.loadApplication("dev.vserve.node.ApplicationTarget"));
    assertTrue(e.getMessage().contains("did you mean dev.vserve.node.ApplicationTargets"), e.getMessage());
  }
}
