package dev.vserve.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import dev.vserve.ServeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts a Vert.x instance that joins the vserve cluster through Hazelcast. */
public final class ClusteredVertx {
  /** Hazelcast reports every step of joining at INFO; keep the node's output about vserve. */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  private ClusteredVertx() {}

  public static Future<Vertx> start(ServeOptions options) {
    HazelcastClusterManager manager;
    try {
      Path file = configFile(options);
      Config config = file == null ? new com.hazelcast.config.XmlConfigBuilder().build() : load(file);
      confine(config, options, file);
      manager = new HazelcastClusterManager(config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (HAZELCAST_LOG.getLevel() == null) HAZELCAST_LOG.setLevel(Level.WARNING);
    VertxOptions vo = new VertxOptions();
    vo.getEventBusOptions().setHost(options.getClusterHost()).setClusterPublicHost(options.getClusterHost());
    io.vertx.core.VertxBuilder builder = Vertx.builder();
    var registry = dev.vserve.metrics.ServeMetrics.withVertxMetrics(builder, vo, options.isMetricsEnabled());
    return builder.withClusterManager(manager).buildClustered()
        .onSuccess(v -> dev.vserve.metrics.ServeMetrics.adopt(v, registry));
  }

  /**
   * Hazelcast listens only on the cluster host (by default it binds every interface, whatever the
   * configuration lists), under a name of this installation's (see {@link ClusterName}).
   */
  static void confine(Config config, ServeOptions options, Path file) {
    String host = options.getClusterHost();
    String ip;
    try {
      ip = java.net.InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("--cluster-host " + host + " is not an address of this machine: " + e.getMessage());
    }
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().getInterfaces().setEnabled(true).clear().addInterface(ip);
    config.setClusterName(ClusterName.resolve(options.getClusterName(), config.getClusterName(), file, host));
  }

  /** The file named in the options, else {@code -Dvertx.hazelcast.config}'s, else ./cluster.xml; null: Vert.x's default. */
  static Path configFile(ServeOptions options) {
    String named = options.getClusterConfig() != null ? options.getClusterConfig() : System.getProperty("vertx.hazelcast.config");
    if (named != null) {
      Path p = Path.of(named);
      if (!Files.isRegularFile(p)) throw new IllegalArgumentException("cluster configuration " + named + " is not a file");
      return p;
    }
    Path local = Path.of("cluster.xml");
    return Files.isRegularFile(local) ? local : null;
  }

  private static Config load(Path file) {
    try {
      return new FileSystemXmlConfig(file.toFile());
    } catch (FileNotFoundException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read the cluster configuration " + file + ": " + e.getMessage(), e);
    }
  }
}
