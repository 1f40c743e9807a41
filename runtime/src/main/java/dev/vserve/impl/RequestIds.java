package dev.vserve.impl;

import java.util.concurrent.ThreadLocalRandom;

/** Random 128-bit request ids in hex, without SecureRandom's cost on the request path. */
public final class RequestIds {
  private RequestIds() {}

  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return hex(r.nextLong()) + hex(r.nextLong());
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
  }
}
