package dev.vserve.admin;

import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The admin API's bearer token: given, or 32 random bytes; compared in constant time. */
final class AdminToken {
  private final byte[] token;
  final String value;

  AdminToken(String given) {
    if (given != null && given.length() < 16) {
      throw new IllegalArgumentException("the admin token must be at least 16 characters (it guards every change to the cluster)");
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    value = given != null ? given : HexFormat.of().formatHex(random);
    token = value.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the request carries {@code Authorization: Bearer <token>}. */
  boolean admits(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    return MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }
}
