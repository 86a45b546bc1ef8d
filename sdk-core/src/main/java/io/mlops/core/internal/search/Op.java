package io.mlops.core.internal.search;

/** The comparators of MLflow's filter language ({@code SearchUtils.get_comparison_func}). */
enum Op {
  EQ("="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">="),
  LIKE("LIKE"),
  ILIKE("ILIKE"),
  IN("IN"),
  NOT_IN("NOT IN"),
  IS_NULL("IS NULL"),
  IS_NOT_NULL("IS NOT NULL");

  final String text;

  Op(String text) {
    this.text = text;
  }

  /** The comparator spelled by a run of {@code [<>=~!]}, or null if it is none of MLflow's. */
  static Op fromSymbol(String symbol) {
    switch (symbol) {
      case "=":
        return EQ;
      case "!=":
        return NE;
      case "<":
        return LT;
      case "<=":
        return LE;
      case ">":
        return GT;
      case ">=":
        return GE;
      default:
        return null;
    }
  }

  boolean isOrdering() {
    return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
  }

  boolean isStringMatch() {
    return this == EQ || this == NE || this == LIKE || this == ILIKE;
  }

  boolean isNullCheck() {
    return this == IS_NULL || this == IS_NOT_NULL;
  }

  boolean isList() {
    return this == IN || this == NOT_IN;
  }

  /** Applies this ordering comparator to the sign of {@code compare(lhs, rhs)}. */
  boolean test(int cmp) {
    switch (this) {
      case EQ:
        return cmp == 0;
      case NE:
        return cmp != 0;
      case LT:
        return cmp < 0;
      case LE:
        return cmp <= 0;
      case GT:
        return cmp > 0;
      case GE:
        return cmp >= 0;
      default:
        throw new IllegalStateException("not an ordering comparator: " + text);
    }
  }

  /**
   * Applies this ordering comparator to two doubles with IEEE semantics, exactly as Python's {@code operator.gt}
   * etc. on floats: every comparison with NaN is false except {@code !=}, and {@code -0.0 == 0.0}.
   */
  boolean test(double lhs, double rhs) {
    switch (this) {
      case EQ:
        return lhs == rhs;
      case NE:
        return lhs != rhs;
      case LT:
        return lhs < rhs;
      case LE:
        return lhs <= rhs;
      case GT:
        return lhs > rhs;
      case GE:
        return lhs >= rhs;
      default:
        throw new IllegalStateException("not an ordering comparator: " + text);
    }
  }
}
