package io.baseimage.env;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What an encoder wrote, with the problems it met on the way: the counterpart of {@link Decoded}.
 *
 * <pre>{@code
 * Encoded script = ShellDump.format(env);
 * script.problems().forEach(System.err::println);
 * DumpFile.write(Path.of("/etc/container_environment.sh"), script.bytes());
 * }</pre>
 *
 * @param bytes the encoded form, never null. Not copied: a dump can be several MiB
 * @param problems variables left out or changed, in the order met
 */
public record Encoded(byte[] bytes, List<Problem> problems) {
  /** Takes {@code bytes} as they are and copies {@code problems}. */
  public Encoded {
    Objects.requireNonNull(bytes, "bytes");
    problems = List.copyOf(problems);
  }

  /** Equal when the bytes and the problems are: an array's own {@code equals} is identity. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Encoded other
        && Arrays.equals(bytes, other.bytes)
        && problems.equals(other.problems);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bytes) + problems.hashCode();
  }

  @Override
  public String toString() {
    return "Encoded[" + bytes.length + " bytes, problems=" + problems + "]";
  }
}
