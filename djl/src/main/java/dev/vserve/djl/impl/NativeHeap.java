package dev.vserve.djl.impl;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Keeps glibc from giving PyTorch's freed memory back to the OS after every forward pass. By default
 * glibc trims the free top of a heap once it passes a threshold that grows only with the largest
 * block freed so far; PyTorch frees a pass's activations together, so the next pass faulted every
 * page back in (2000 MNIST images: 2.7-4.8 s instead of 0.53-0.56 s, in most rounds). A thread
 * other than main allocates from heaps of 64 MB; when a pass's blocks spill into a second one, glibc
 * unmaps that heap as soon as it is empty, whatever the trim threshold, unless the top pad is as big
 * as a heap (caught with strace: a batch thread mapping and unmapping a 64 MB heap 13 times a second,
 * 70,000 faults a second, MNIST at a fifth of its rate for rounds on end). The launchers set
 * {@code MALLOC_TRIM_THRESHOLD_}, {@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TOP_PAD_} before
 * the JVM starts; this does the same through {@code mallopt} for an application that embeds vserve
 * without them.
 */
public final class NativeHeap {
  static final int M_TRIM_THRESHOLD = -1;
  static final int M_TOP_PAD = -2;
  static final int M_MMAP_THRESHOLD = -3;
  static final int TRIM_THRESHOLD = 1 << 30;
  /** A thread's heap holds 64 MB at most; a pad that big keeps an empty one mapped. */
  static final int TOP_PAD = 64 << 20;
  /** Blocks up to this size come from the heaps. */
  static final int MMAP_THRESHOLD = 32 << 20;
  static final java.util.List<String> VARIABLES = java.util.List.of("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_");

  private NativeHeap() {}

  /**
   * Sets the thresholds and the pad unless the environment set any of them (the caller chose) or this is not glibc
   * on Java 22+ (no {@code mallopt}, or no foreign function API without preview flags): returns
   * what it did, for the log.
   */
  public static String keepFreedMemory() {
    if (VARIABLES.stream().anyMatch(v -> System.getenv(v) != null)) return "glibc thresholds from the environment";
    if (Runtime.version().feature() < 22 || !System.getProperty("os.name", "").startsWith("Linux")) return "left as is";
    try {
      MethodHandle mallopt = mallopt();
      if (mallopt == null) return "no mallopt (not glibc)";
      int a = (int) mallopt.invoke(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
      int b = (int) mallopt.invoke(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
      int c = (int) mallopt.invoke(M_TOP_PAD, TOP_PAD);
      return a == 1 && b == 1 && c == 1 ? "glibc keeps freed memory (trim threshold 1 GiB, mmap threshold 32 MB, top pad 64 MB)"
          : "mallopt refused the thresholds";
    } catch (Throwable t) {
      return "mallopt not called: " + t;
    }
  }

  /** {@code int mallopt(int, int)} through java.lang.foreign, by reflection: this code compiles for Java 21. */
  static MethodHandle mallopt() throws ReflectiveOperationException {
    Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
    Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
    Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
    Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
    Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
    Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
    Object linker = linkerType.getMethod("nativeLinker").invoke(null);
    Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
    Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "mallopt");
    if (symbol.isEmpty()) return null;
    Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
    Object layouts = java.lang.reflect.Array.newInstance(layoutType, 2);
    java.lang.reflect.Array.set(layouts, 0, javaInt);
    java.lang.reflect.Array.set(layouts, 1, javaInt);
    Object descriptor = descriptorType.getMethod("of", layoutType, layouts.getClass()).invoke(null, javaInt, layouts);
    Object noOptions = java.lang.reflect.Array.newInstance(optionType, 0);
    return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, noOptions.getClass())
        .invoke(linker, symbol.get(), descriptor, noOptions);
  }
}
