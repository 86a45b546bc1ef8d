package io.mlops.spark.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Reads Scala collections that Spark's API returns without linking to their Scala-version-specific type.
 *
 * <p>A Java call to a method that returns {@code scala.collection.Seq} compiles to a descriptor naming that type;
 * on Scala 2.13 the same Spark method returns {@code scala.collection.immutable.Seq}, so the call fails there with
 * {@code NoSuchMethodError}. Calling by name and reading the result as {@code scala.collection.Iterable} (whose
 * {@code size()} links on 2.12 and 2.13) keeps one compiled class working on both: what lets the shaded
 * {@code mlops-sdk-all} jar, built from the 2.12 classes, run on Spark 4. {@code ScalaBinaryNeutralityTest} keeps the
 * classes of this module free of such descriptors.
 */
public final class ScalaCollections {
  private ScalaCollections() {}

  /**
   * The size of the Scala collection that {@code target.method()} returns.
   *
   * @throws IllegalStateException when there is no such method or it returns no Scala collection
   */
  public static int sizeOf(Object target, String method) {
    Object value;
    try {
      Method m = target.getClass().getMethod(method);
      value = m.invoke(target);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException(target.getClass().getName() + "." + method + "() cannot be called", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(target.getClass().getName() + "." + method + "() failed", e.getCause());
    }
    if (!(value instanceof scala.collection.Iterable)) {
      throw new IllegalStateException(target.getClass().getName() + "." + method + "() returned "
          + (value == null ? "null" : value.getClass().getName()) + ", not a Scala collection");
    }
    return ((scala.collection.Iterable<?>) value).size();
  }
}
