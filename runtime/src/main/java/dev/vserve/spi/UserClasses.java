package dev.vserve.spi;

/** Where classes a configuration names (deployments, autoscaling policies, request routers) are looked up. */
final class UserClasses {
  private UserClasses() {}

  /** The thread's context class loader (an application's own, under a container), else vserve's. */
  static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : UserClasses.class.getClassLoader();
  }
}
