package dev.tessera.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The integers an {@code int} option accepts, inclusive. {@link CommandLines} refuses any other
 * value before the command runs, and a value that is not a number, with one sentence: {@code
 * --port expects an integer in 0..65535, got "http"}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface IntRange {
    /** Smallest accepted value. */
    int min();

    /** Largest accepted value. */
    int max() default Integer.MAX_VALUE;
}
