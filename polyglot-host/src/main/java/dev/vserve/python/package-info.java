/**
 * Python deployments on GraalPy. {@link dev.vserve.python.PythonApplications} reads a Python file
 * for the launcher; {@link dev.vserve.python.PythonReplicas} runs its deployments' replicas, each in
 * its own context on one shared engine. Both plug into vserve through {@link java.util.ServiceLoader}.
 */
package dev.vserve.python;
