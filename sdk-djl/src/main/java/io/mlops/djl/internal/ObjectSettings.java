package io.mlops.djl.internal;

import ai.djl.training.tracker.ParameterTracker;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scalar settings of a DJL object (an optimizer, an initializer) as params, read by reflection from its fields.
 *
 * <p>Why reflection: DJL's optimizers keep their settings (learning-rate tracker, weight decay, gradient clipping,
 * momentum, betas) in private fields and expose no getters (0.36.0). Reading is best effort: a field that cannot be
 * read (a future DJL that renames it, a security manager, a module that is not open) is skipped and logged at debug
 * level; nothing here ever throws.
 */
public final class ObjectSettings {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectSettings.class);
  /** State, not settings: the optimizer's running update counters. */
  private static final Set<String> SKIPPED = Set.of("numUpdate", "updateCounts");

  private ObjectSettings() {}

  /**
   * The object's settings: every number, boolean, string and enum field of its class and superclasses as
   * {@code <prefix><snake_case_name>}, and every learning-rate style tracker ({@link ParameterTracker}) as its class
   * name under {@code <prefix><name>} plus its value at update 0 under {@code <prefix><name without "_tracker">}.
   */
  public static Map<String, String> of(Object target, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    if (target == null) {
      return out;
    }
    for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || SKIPPED.contains(f.getName())) {
          continue;
        }
        try {
          read(target, f, prefix, out);
        } catch (RuntimeException | LinkageError e) { // InaccessibleObjectException, SecurityException, ...
          LOG.debug("Cannot read {}.{}: {}", c.getName(), f.getName(), e.toString());
        }
      }
    }
    return out;
  }

  private static void read(Object target, Field f, String prefix, Map<String, String> out) {
    Class<?> type = f.getType();
    boolean scalar = type.isPrimitive() || Number.class.isAssignableFrom(type) || type == Boolean.class
        || type == String.class || type.isEnum();
    boolean tracker = ParameterTracker.class.isAssignableFrom(type);
    if (!scalar && !tracker) {
      return;
    }
    f.setAccessible(true);
    Object value;
    try {
      value = f.get(target);
    } catch (IllegalAccessException e) {
      LOG.debug("Cannot read {}: {}", f, e.toString());
      return;
    }
    if (value == null) {
      return;
    }
    String key = prefix + snakeCase(f.getName());
    if (out.containsKey(key)) {
      return; // a subclass field of the same name came first
    }
    if (scalar) {
      out.put(key, String.valueOf(value));
      return;
    }
    ParameterTracker t = (ParameterTracker) value;
    out.put(key, t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName());
    String valueKey = key.endsWith("_tracker") ? key.substring(0, key.length() - "_tracker".length())
        : key + ".initial";
    out.put(valueKey, String.valueOf(t.getNewValue("", 0)));
  }

  /** {@code learningRateTracker} to {@code learning_rate_tracker}; {@code beta1} stays {@code beta1}. */
  static String snakeCase(String name) {
    StringBuilder b = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (Character.isUpperCase(ch)) {
        if (i > 0) {
          b.append('_');
        }
        b.append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
