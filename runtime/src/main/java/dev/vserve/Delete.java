package dev.vserve;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes HTTP DELETE requests whose path, below the application's route prefix, matches the template
 * (segments like {@code {id}} bind to parameters of that name), as FastAPI's {@code @app.delete}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Delete {
  String value() default "/";
}
