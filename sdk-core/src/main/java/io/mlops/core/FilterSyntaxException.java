package io.mlops.core;

/** A search filter or order-by clause that could not be parsed; the message points at the offending token. */
public class FilterSyntaxException extends ValidationException {
  private static final long serialVersionUID = 1L;

  private final String expression;
  private final int position;

  /**
   * An error at a position of an expression.
   *
   * @param expression the whole filter or order-by clause
   * @param position the 0-based character offset of the offending token
   * @param problem what is wrong there
   */
  public FilterSyntaxException(String expression, int position, String problem) {
    super("filter", "filter-syntax", format(expression, position, problem));
    this.expression = expression;
    this.position = position;
  }

  private static String format(String expression, int position, String problem) {
    StringBuilder b = new StringBuilder();
    b.append("Invalid search expression at position ").append(position).append(": ").append(problem);
    b.append('\n').append("  ").append(expression).append('\n').append("  ");
    for (int i = 0; i < position; i++) {
      b.append(' ');
    }
    return b.append('^').toString();
  }

  /** The expression that failed to parse. */
  public String expression() {
    return expression;
  }

  /** 0-based offset of the offending token. */
  public int position() {
    return position;
  }
}
