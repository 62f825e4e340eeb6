package io.baseimage.env;

import java.util.List;

/**
 * What a decoder read, with the problems it met on the way; encoders return {@link Encoded}.
 *
 * @param value the result; never null, even when there were problems
 * @param problems entries skipped or changed, in the order met
 */
public record Decoded<T>(T value, List<Problem> problems) {
  public Decoded {
    problems = List.copyOf(problems);
  }
}
