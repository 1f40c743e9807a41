/**
 * Python deployments on GraalPy. This module is laid out now so the build has its final shape; the
 * GraalPy host (one context per replica on a shared Engine, the {@code vserve} Python package) comes
 * with the Python issue and plugs into the verticles through a {@link java.util.ServiceLoader} SPI.
 */
package dev.vserve.python;
