package io.mlops.core.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The one Immutables style of the SDK's value types, on each package (or type) that has some. The generated
 * {@code Immutable*} classes are package-private, not API: each value type exposes {@code builder()} returning its own
 * nested {@code Builder} (which extends the generated one) and static {@code of(...)} factories, and
 * {@code build()} returns the value type itself ({@code overshadowImplementation}). Only read at compile time.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    jdkOnly = true,
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    overshadowImplementation = true,
    defaults = @Value.Immutable(copy = true),
    depluralize = true)
public @interface ValueStyle {}
