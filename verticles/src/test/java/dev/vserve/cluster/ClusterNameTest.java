package dev.vserve.cluster;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterNameTest {
  @Test
  void twoInstallationsOnOneHostGetDifferentNamesAndOneInstallationKeepsItsOwn() {
    String a = ClusterName.resolve(null, "vserve", Path.of("/opt/a/cluster.xml"), "127.0.0.1");
    String b = ClusterName.resolve(null, "vserve", Path.of("/opt/b/cluster.xml"), "127.0.0.1");
    assertNotEquals(a, b);
    assertEquals(a, ClusterName.resolve(null, "dev", Path.of("/opt/a/cluster.xml"), "localhost"));
    assertTrue(a.startsWith("vserve-"), a);
  }

  @Test
  void anExplicitOrConfiguredNameIsKept() {
    assertEquals("prod", ClusterName.resolve("prod", "vserve", null, "10.0.0.5"));
    assertEquals("mine", ClusterName.resolve(null, "mine", null, "10.0.0.5"));
  }

  @Test
  void aClusterOnAnotherInterfaceMustBeNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClusterName.resolve(null, "vserve", Path.of("cluster.xml"), "10.0.0.5"));
    assertTrue(e.getMessage().contains("--cluster-name"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClusterName.resolve(" ", "vserve", null, "127.0.0.1"));
  }
}
