package dev.vserve.spi;

import dev.vserve.RequestRouter;
import dev.vserve.RequestRouterConfig;

import java.util.Map;
import java.util.ServiceLoader;

/**
 * Makes the request router a deployment names, on each node that calls it. Java classes need none;
 * a language host registers one through {@link ServiceLoader} for the deployments whose code it runs
 * (a Python router is a class of the application). A router that is {@link AutoCloseable} is closed
 * when its deployment goes or names another.
 */
public interface RequestRouterLoader {
  /** Whether this host owns routers of deployments whose code is {@code code}. */
  boolean accepts(String code);

  /**
   * The router {@code config} names for deployment {@code deployment} of {@code app}, for calls from
   * node {@code nodeId}; a missing one fails naming it. May block.
   */
  RequestRouter load(RequestRouterConfig config, String code, String app, String deployment, String nodeId) throws Exception;

  /** A Java router by class name unless a registered host owns the code. */
  static RequestRouterLoader find(String code) {
    for (RequestRouterLoader l : ServiceLoader.load(RequestRouterLoader.class, RequestRouterLoader.class.getClassLoader())) {
      if (l.accepts(code)) return l;
    }
    return JavaRouters.INSTANCE;
  }

  /** Routers as Java classes: a public constructor taking the kwargs as a {@code Map}, or none. */
  final class JavaRouters implements RequestRouterLoader {
    static final JavaRouters INSTANCE = new JavaRouters();

    @Override
    public boolean accepts(String code) {
      return true;
    }

    @Override
    public RequestRouter load(RequestRouterConfig config, String code, String app, String deployment, String nodeId) throws Exception {
      String name = config.routerClass();
      ClassLoader loader = UserClasses.loader();
      Class<?> type;
      try {
        type = Class.forName(name, true, loader);
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException("request router class " + name + " is not on the class path", e);
      }
      if (!RequestRouter.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException("request router " + name + " does not implement " + RequestRouter.class.getName());
      }
      try {
        return (RequestRouter) type.getConstructor(Map.class).newInstance(config.kwargs());
      } catch (NoSuchMethodException noKwargs) {
        if (!config.kwargs().isEmpty()) {
          throw new IllegalArgumentException("request router " + name + " takes no kwargs (no public constructor taking a Map), got "
              + config.kwargs().keySet());
        }
      }
      try {
        return (RequestRouter) type.getConstructor().newInstance();
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException("request router " + name + " needs a public constructor taking a Map of kwargs, or none", e);
      }
    }
  }
}
