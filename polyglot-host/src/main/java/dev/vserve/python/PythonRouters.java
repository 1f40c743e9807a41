package dev.vserve.python;

import dev.vserve.RequestRouter;
import dev.vserve.RequestRouterConfig;
import dev.vserve.python.impl.PythonReplica;
import dev.vserve.python.impl.PythonRequestRouter;
import dev.vserve.spi.RequestRouterLoader;

/** Custom request routers of Python deployments: {@code RequestRouter} subclasses of the application. */
public final class PythonRouters implements RequestRouterLoader {
  @Override
  public boolean accepts(String code) {
    return code.startsWith(PythonReplica.Code.PREFIX);
  }

  @Override
  public RequestRouter load(RequestRouterConfig config, String code, String app, String deployment, String nodeId) throws Exception {
    return PythonRequestRouter.load(config, code, app, deployment, nodeId);
  }
}
