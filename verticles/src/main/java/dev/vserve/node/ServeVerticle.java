package dev.vserve.node;

import dev.vserve.Application;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.cli.Main;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;

/**
 * vserve as a verticle, for Vert.x users. Deploy it into the {@code Vertx} you already have (it
 * shares its event loops and event bus, and its cluster manager when clustered), or start it with
 * Vert.x's own launcher:
 *
 * <pre>
 * java -cp CLASSPATH io.vertx.launcher.application.VertxApplication dev.vserve.node.ServeVerticle -conf app.json
 * </pre>
 *
 * with {@code {"http": {"host": "127.0.0.1", "port": 8000}, "applications": [{"target":
 * "dev.vserve.examples.HelloWorld", "name": "default", "route_prefix": "/"}]}}; {@code "port": -1} opens
 * no port ({@link #router()} is then mounted by the embedding application). Undeploying it drains and
 * stops every application it runs.
 */
public class ServeVerticle extends VerticleBase {
  private final ServeOptions given;
  private final List<AppSpec> givenApps = new ArrayList<>();
  private NodeImpl node;

  private record AppSpec(Application app, String name, String routePrefix) {}

  /** For the launcher: options and applications come from the verticle's configuration. */
  public ServeVerticle() {
    this.given = null;
  }

  public ServeVerticle(ServeOptions options) {
    this.given = options;
  }

  /** Deploys {@code app} once the node is up (chainable before deployment). */
  public ServeVerticle withApplication(Application app, String name, String routePrefix) {
    givenApps.add(new AppSpec(app, name, routePrefix));
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
      options = given != null ? given : optionsFrom(config());
      if (given == null) apps.addAll(applicationsFrom(config()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return NodeImpl.start(vertx, false, options).compose(n -> {
      node = (NodeImpl) n;
      Future<?> chain = Future.succeededFuture();
      for (AppSpec a : apps) chain = chain.compose(v -> node.deploy(a.app(), a.name(), a.routePrefix()));
      return chain;
    });
  }

  @Override
  public Future<?> stop() {
    return node == null ? Future.succeededFuture() : node.close();
  }

  static ServeOptions optionsFrom(JsonObject config) {
    ServeOptions o = new ServeOptions();
    JsonObject http = config.getJsonObject("http", new JsonObject());
    o.setHttpHost(http.getString("host", o.getHttpHost()));
    int port = http.getInteger("port", o.getHttpPort());
    if (port < 0) o.setHttpEnabled(false); else o.setHttpPort(port);
    o.setRequestTimeoutMs(config.getLong("request_timeout_ms", o.getRequestTimeoutMs()));
    o.setMaxRequestBodyBytes(config.getLong("max_request_body_bytes", o.getMaxRequestBodyBytes()));
    return o;
  }

  private static List<AppSpec> applicationsFrom(JsonObject config) {
    List<AppSpec> out = new ArrayList<>();
    JsonArray apps = config.getJsonArray("applications", new JsonArray());
    for (int i = 0; i < apps.size(); i++) {
      JsonObject a = apps.getJsonObject(i);
      String target = a.getString("target");
      if (target == null) throw new IllegalArgumentException("applications[" + i + "] needs a \"target\" class name");
      out.add(new AppSpec(Main.loadApplication(target), a.getString("name", i == 0 ? "default" : "app" + i),
          a.getString("route_prefix", "/")));
    }
    return out;
  }
}
