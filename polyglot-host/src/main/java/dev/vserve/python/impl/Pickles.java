package dev.vserve.python.impl;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Python objects between Python deployments, as Ray passes them: pickled by the sender, carried as
 * {@code {"@vserve.pickle": base64, "type": name, "sig": hmac}} (a JSON value, so it crosses nodes),
 * unpickled by the receiver only when the signature is the cluster's: a JSON body passed along with
 * the same key is never unpickled.
 */
final class Pickles {
  static final String KEY = "@vserve.pickle";

  private Pickles() {}

  static Map<String, Object> wrap(byte[] pickled, String type, byte[] secret) {
    String data = Base64.getEncoder().encodeToString(pickled);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(KEY, data);
    m.put("type", type);
    m.put("sig", sign(data, secret));
    return m;
  }

  /** The pickled bytes (base64) of a marker vserve signed; an {@link IllegalArgumentException} for any other. */
  static String unwrap(Object data, Object sig, byte[] secret) {
    if (!(data instanceof String d) || !(sig instanceof String s)
        || !MessageDigest.isEqual(sign(d, secret).getBytes(StandardCharsets.US_ASCII), s.getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("a value marked as a pickled Python object without vserve's signature: refused "
          + "(only objects another deployment of this cluster sent are unpickled)");
    }
    return d;
  }

  private static String sign(String data, byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
