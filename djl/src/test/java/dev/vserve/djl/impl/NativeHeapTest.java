package dev.vserve.djl.impl;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeHeapTest {
  @Test
  void theBuildsTestsGetTheThresholdsFromTheEnvironmentAndLeaveThemBe() {
    assumeTrue(System.getenv("MALLOC_TRIM_THRESHOLD_") != null, "run through Maven, which sets them");
    assertEquals("glibc thresholds from the environment", NativeHeap.keepFreedMemory());
  }

  /** What an embedding application without the variables gets: glibc takes the thresholds and the pad. */
  @Test
  void malloptIsReachedAndTakesTheThresholdsAndThePadOnGlibc() throws Throwable {
    assumeTrue(Runtime.version().feature() >= 22 && System.getProperty("os.name").startsWith("Linux"), "Linux, Java 22+");
    MethodHandle mallopt = NativeHeap.mallopt();
    assumeTrue(mallopt != null, "glibc");
    assertEquals(1, (int) mallopt.invoke(NativeHeap.M_TRIM_THRESHOLD, NativeHeap.TRIM_THRESHOLD));
    assertEquals(1, (int) mallopt.invoke(NativeHeap.M_MMAP_THRESHOLD, NativeHeap.MMAP_THRESHOLD));
    assertEquals(1, (int) mallopt.invoke(NativeHeap.M_TOP_PAD, NativeHeap.TOP_PAD));
  }
}
