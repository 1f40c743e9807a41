package dev.vserve.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name a node's cluster goes by. Open-source Hazelcast authenticates no member: any process that
 * reaches a member's port and says the cluster's name joins it. So the name is never one shared by
 * every installation: an explicit {@code --cluster-name} wins; otherwise a loopback cluster is named
 * after its installation (its cluster configuration file), so two checkouts on one host never join
 * each other; a cluster bound to another interface must be named explicitly.
 */
public final class ClusterName {
  /** The name in the shipped cluster.xml, and Hazelcast's own default: placeholders, never used as they are. */
  static final java.util.Set<String> PLACEHOLDERS = java.util.Set.of("vserve", "dev");

  private ClusterName() {}

  /**
   * @param explicit    the operator's name, or null
   * @param configured  the name in the Hazelcast configuration
   * @param installation what identifies this installation (the configuration file), or null
   * @param host        the address the cluster binds to
   */
  public static String resolve(String explicit, String configured, Path installation, String host) {
    if (explicit != null) {
      if (explicit.isBlank()) throw new IllegalArgumentException("--cluster-name must not be empty");
      return explicit;
    }
    if (configured != null && !PLACEHOLDERS.contains(configured)) return configured;
    if (!isLoopback(host)) {
      throw new IllegalArgumentException("the cluster binds to " + host + ", which is not a loopback address: give it a name "
          + "of its own with --cluster-name NAME (the same on every node; anyone who can reach the cluster port and "
          + "knows the name can join, so firewall the port)");
    }
    String where = installation == null ? Path.of("").toAbsolutePath().toString() : installation.toAbsolutePath().normalize().toString();
    return "vserve-" + hash(where);
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
