package io.baseimage.env;

import java.io.IOException;
import java.util.Objects;

/**
 * A dump that cannot be read back: not the format this library writes. The message names the line
 * and column (and the variable, where known), never a value.
 *
 * <pre>{@code
 * try {
 *   ShellDump.parse(bytes);
 * } catch (MalformedDumpException e) {
 *   System.err.println(e.getMessage()); // line 3, column 9: variable 'A': ... must be quoted
 *   int line = e.line();
 * }
 * }</pre>
 */
public final class MalformedDumpException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The line, counted from 1. */
  private final int line;

  /** The column, counted from 1 in bytes. */
  private final int column;

  /**
   * A dump malformed at {@code line} and {@code column}.
   *
   * @param problem what is wrong there, without the position
   * @param line the line, counted from 1
   * @param column the column, counted from 1 in bytes
   * @throws NullPointerException if {@code problem} is null
   * @throws IllegalArgumentException if {@code line} or {@code column} is below 1
   */
  public MalformedDumpException(String problem, int line, int column) {
    // No cause: another parser's message may quote the input, values and all.
    super(
        "line " + line + ", column " + column + ": " + Objects.requireNonNull(problem, "problem"));
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("line and column count from 1: " + line + ", " + column);
    }
    this.line = line;
    this.column = column;
  }

  /**
   * The line where the dump stops being readable.
   *
   * @return the line, counted from 1
   */
  public int line() {
    return line;
  }

  /**
   * The column where the dump stops being readable.
   *
   * @return the column, counted from 1 in bytes
   */
  public int column() {
    return column;
  }
}
