package dev.vserve;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the path segment, query parameter or JSON body field bound to a simple parameter, with an
 * optional default. Without it the parameter's own name is used (vserve compiles with -parameters;
 * so should you, or annotate).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
  String value();

  /** Used when the request does not carry the value; the marker means "required". */
  String defaultValue() default REQUIRED;

  String REQUIRED = "\u0000required";
}
