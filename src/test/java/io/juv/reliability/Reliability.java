package io.juv.reliability;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test of the long reliability suite: {@code make test} leaves it out, {@code make
 * reliability} (which CI runs too) runs it. A test that is quick enough for every build stays untagged.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("reliability")
public @interface Reliability {}
