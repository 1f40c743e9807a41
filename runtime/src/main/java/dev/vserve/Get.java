package dev.vserve;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes HTTP GET requests whose path, below the application's route prefix, matches the template
 * (segments like {@code {id}} bind to parameters of that name), as FastAPI's {@code @app.get}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Get {
  String value() default "/";
}
