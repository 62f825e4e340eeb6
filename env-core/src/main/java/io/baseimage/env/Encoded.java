package io.baseimage.env;

import java.util.List;
import java.util.Objects;

/**
 * What a formatter wrote, with the problems it met on the way: the counterpart of {@link Decoded}.
 *
 * <pre>{@code
 * Encoded script = ShellDump.format(env);
 * script.problems().forEach(System.err::println);
 * DumpFile.write(Path.of("/tmp/environment.sh"), script.bytes());
 * }</pre>
 *
 * @param bytes the encoded form
 * @param problems variables left out or changed, in the order met; unmodifiable
 */
public record Encoded(ByteString bytes, List<Problem> problems) {
  /**
   * Checks that neither component is null and copies {@code problems}.
   *
   * @throws NullPointerException if {@code bytes}, {@code problems} or one of the problems is null
   */
  public Encoded {
    Objects.requireNonNull(bytes, "bytes");
    problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
  }

  /**
   * The size and the problems, never the content: a dump holds every value, secrets too.
   *
   * @return for example {@code Encoded[1234 bytes, problems=[]]}
   */
  @Override
  public String toString() {
    return "Encoded[" + bytes.length() + " bytes, problems=" + problems + "]";
  }
}
