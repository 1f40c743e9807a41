package dev.vserve.python.impl;

import dev.vserve.Deployment;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which Java classes Python code may bind with {@code java_deployment}: deployment classes only, those
 * annotated {@code @Deployment} or listed by the operator ({@code --allow-java-deployment}). A name is
 * checked before its class is initialised, so nothing of a refused class runs, not even a static
 * initializer.
 */
public final class JavaDeployments {
  /** The operator's list: the system property {@value #PROPERTY}, comma-separated class names. */
  public static final String PROPERTY = dev.vserve.impl.PythonHostProperties.ALLOW_JAVA_DEPLOYMENTS;

  private JavaDeployments() {}

  static Set<String> allowed() {
    Set<String> names = new TreeSet<>();
    for (String n : System.getProperty(PROPERTY, "").split(",")) {
      if (!n.isBlank()) names.add(n.trim());
    }
    return names;
  }

  /** The class named, if Python may deploy it; else an {@link IllegalArgumentException} saying why. */
  static Class<?> check(String className) {
    Class<?> type;
    try {
      type = Class.forName(className, false, JavaDeployments.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("java_deployment: no class " + className + " on the class path");
    }
    if (!type.isAnnotationPresent(Deployment.class) && !allowed().contains(type.getName())) {
      throw new IllegalArgumentException("java_deployment: " + className + " is not a deployment class: Python code may "
          + "bind only classes annotated @Deployment or listed with --allow-java-deployment");
    }
    try {
      return Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
