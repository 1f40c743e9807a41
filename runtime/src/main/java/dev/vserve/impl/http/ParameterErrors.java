package dev.vserve.impl.http;

import dev.vserve.ServeException;

/**
 * A route parameter that is missing or of the wrong type is a 422 with error type
 * {@code ValidationError}, as FastAPI answers it; Python's binder raises the same status, type and wording.
 */
public final class ParameterErrors {
  public static final int STATUS = 422;
  public static final String TYPE = "ValidationError";

  private ParameterErrors() {}

  public static ServeException missing(String name) {
    return new ServeException(STATUS, TYPE, "missing required parameter '" + name + "'");
  }

  public static ServeException invalid(String name, String type, Object got) {
    return new ServeException(STATUS, TYPE, "parameter '" + name + "' must be " + type + ", got " + got);
  }
}
