package dev.vserve.node;

import dev.vserve.Application;
import dev.vserve.ServeConfig;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * vserve as a verticle, for Vert.x users. Deploy it into the {@code Vertx} you already have (it
 * shares its event loops and event bus, and its cluster manager when clustered), or start it with
 * Vert.x's own launcher:
 *
 * <pre>
 * java -cp CLASSPATH io.vertx.launcher.application.VertxApplication dev.vserve.node.ServeVerticle -conf app.json
 * </pre>
 *
 * where the configuration is a {@link ServeConfig} in Ray Serve's shape, as JSON: {@code {"http_options":
 * {"port": 8000}, "applications": [{"import_path": "dev.vserve.examples.HelloWorld", "route_prefix": "/",
 * "deployments": [{"name": "HelloWorld", "num_replicas": 2}]}]}}; port -1 opens no port ({@link #router()}
 * is then mounted by the embedding application). Undeploying it drains and stops every application.
 */
public class ServeVerticle extends VerticleBase {
  private final ServeOptions given;
  private final List<AppSpec> givenApps = new ArrayList<>();
  private NodeImpl node;

  private record AppSpec(Application app, String name, String routePrefix, Map<String, Map<String, Object>> overrides) {}

  /** For the launcher: options and applications come from the verticle's configuration. */
  public ServeVerticle() {
    this.given = null;
  }

  public ServeVerticle(ServeOptions options) {
    this.given = options;
  }

  /** Deploys {@code app} once the node is up (chainable before deployment). */
  public ServeVerticle withApplication(Application app, String name, String routePrefix) {
    givenApps.add(new AppSpec(app, name, routePrefix, Map.of()));
    return this;
  }

  public ServeNode node() {
    return node;
  }

  /** The proxy's router: mount it, e.g. {@code myRouter.route("/models*").subRouter(serve.router())}. */
  public Router router() {
    return node.router();
  }

  @Override
  public Future<?> start() {
    ServeOptions options;
    List<AppSpec> apps = new ArrayList<>(givenApps);
    try {
      if (given != null) {
        options = given;
      } else {
        // plain maps and lists all the way down (a JsonObject's map holds JsonObjects)
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = dev.vserve.impl.Json.MAPPER.readValue(config().encode(), Map.class);
        ServeConfig config = ServeConfig.from(raw);
        options = config.options();
        apps.addAll(applicationsOf(config));
      }
    } catch (RuntimeException | java.io.IOException e) {
      return Future.failedFuture(e);
    }
    return NodeImpl.start(vertx, false, options).compose(n -> {
      node = (NodeImpl) n;
      Future<?> chain = Future.succeededFuture();
      for (AppSpec a : apps) chain = chain.compose(v -> node.deploy(a.app(), a.name(), a.routePrefix(), a.overrides()));
      return chain;
    });
  }

  @Override
  public Future<?> stop() {
    return node == null ? Future.succeededFuture() : node.close();
  }

  private static List<AppSpec> applicationsOf(ServeConfig config) {
    List<AppSpec> out = new ArrayList<>();
    for (ServeConfig.AppConfig a : config.applications()) {
      Application app = ApplicationTargets.loadApplication(a.importPath());
      if (a.autoscalingPolicy() != null) app.withAutoscalingPolicy(a.autoscalingPolicy());
      out.add(new AppSpec(app, a.name(), a.routePrefix(), a.deployments()));
    }
    return out;
  }
}
