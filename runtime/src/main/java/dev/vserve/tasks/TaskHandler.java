package dev.vserve.tasks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Ray Serve's {@code @task_handler}: this method runs the tasks of its name from the deployment's
 * {@link TaskConsumer} queue, with the task's arguments converted to its parameter types. What it
 * returns (a JSON-shaped value) becomes the task's result; what it throws is a failed attempt, retried
 * up to {@link TaskConsumer#maxRetries} ({@link dev.vserve.BadRequestException}: not retried).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TaskHandler {
  /** The task's name; the method's name when empty. */
  String value() default "";
}
