package io.baseimage.env;

import java.util.List;
import java.util.Objects;

/**
 * What a reader read, with the problems it met on the way; writers return {@link Encoded} or the
 * list of problems alone.
 *
 * <pre>{@code
 * Decoded<ContainerEnvironment> read = JsonDump.read(Path.of("/etc/container_environment.json"));
 * read.problems().forEach(problem -> System.err.println("warning: " + problem));
 * ContainerEnvironment env = read.value();
 * }</pre>
 *
 * @param <T> the type of what was read
 * @param value the result, whatever the problems
 * @param problems entries skipped or changed, in the order met; unmodifiable
 */
public record Decoded<T>(T value, List<Problem> problems) {
  /**
   * Checks that neither component is null and copies {@code problems}.
   *
   * @throws NullPointerException if {@code value}, {@code problems} or one of the problems is null
   */
  public Decoded {
    Objects.requireNonNull(value, "value");
    problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
  }

  /**
   * The problems, and the value only where it shows no values ({@link ContainerEnvironment} shows
   * names): a decoded environment holds secrets.
   *
   * @return for example {@code Decoded[value=ContainerEnvironment[A], problems=[]]}
   */
  @Override
  public String toString() {
    String shown =
        value instanceof ContainerEnvironment ? value.toString() : value.getClass().getSimpleName();
    return "Decoded[value=" + shown + ", problems=" + problems + "]";
  }
}
