package io.baseimage.env;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shell dump, {@code /etc/container_environment.sh}: one {@code export NAME=VALUE} line per
 * variable, sorted, safe to {@code source} from bash, dash and busybox sh. Sourcing it yields every
 * value byte for byte and runs nothing, whatever the value holds.
 *
 * <pre>{@code
 * Encoded script = ShellDump.format(env);   // export A_B='it'\''s'
 * ContainerEnvironment back = ShellDump.parse(script.bytes());
 * }</pre>
 */
public final class ShellDump {
  /**
   * Names bash keeps read-only: {@code export PPID=1} is an error there, and in POSIX mode (bash as
   * {@code sh}) an error that ends the script sourcing the dump.
   */
  private static final Set<String> READ_ONLY_IN_BASH =
      Set.of("BASHOPTS", "BASH_VERSINFO", "EUID", "PPID", "SHELLOPTS");

  private ShellDump() {}

  /**
   * Formats {@code env}, without {@link ContainerEnvironment#IDENTITY_VARIABLES}. Names become
   * shell names: each character outside {@code [A-Za-z0-9_]} becomes {@code _}, a leading digit
   * gets a {@code _} prefix. Where two names become one, the later in byte order wins, with a
   * problem. Names that bash keeps read-only ({@code PPID}, {@code EUID}, ...) are left out, with a
   * problem, so that sourcing the dump never fails.
   */
  public static Encoded format(ContainerEnvironment env) {
    List<Problem> problems = new ArrayList<>();
    Map<String, ByteString> byShellName = new TreeMap<>();
    Map<String, String> originalName = new TreeMap<>();
    for (Map.Entry<ByteString, ByteString> variable : env.asMap().entrySet()) {
      String name = variable.getKey().toString();
      if (ContainerEnvironment.IDENTITY_VARIABLES.contains(name)) {
        continue;
      }
      String shellName = shellName(name);
      if (READ_ONLY_IN_BASH.contains(shellName)) {
        problems.add(
            new Problem(
                name, "left out of the shell dump: bash keeps " + shellName + " read-only"));
        continue;
      }
      String previous = originalName.put(shellName, name);
      if (previous != null) {
        problems.add(
            new Problem(name, "replaces " + previous + " as " + shellName + " in the shell dump"));
      }
      byShellName.put(shellName, variable.getValue());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * byShellName.size());
    byShellName.forEach(
        (name, value) -> {
          out.writeBytes(
              ("export " + name + "=").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          quote(value, out);
          out.write('\n');
        });
    return new Encoded(out.toByteArray(), problems);
  }

  /**
   * The name as the shell can use it: {@code [A-Za-z0-9_]} only, never a leading digit. Only ASCII
   * characters are kept, so the name is ASCII and the {@link TreeMap} order is byte order.
   */
  static String shellName(String name) {
    StringBuilder shellName = new StringBuilder(name.length() + 1);
    if (!name.isEmpty() && name.charAt(0) >= '0' && name.charAt(0) <= '9') {
      shellName.append('_');
    }
    name.codePoints().forEach(c -> shellName.append(isNameChar(c) ? (char) c : '_'));
    return shellName.toString();
  }

  private static boolean isNameChar(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static boolean isBareChar(byte b) {
    return (b >= 'A' && b <= 'Z')
        || (b >= 'a' && b <= 'z')
        || (b >= '0' && b <= '9')
        || "@%+=:,./_-".indexOf(b) >= 0;
  }

  /** Writes {@code value} as one shell word: bare, {@code ''}, or single-quoted. */
  static void quote(ByteString value, ByteArrayOutputStream out) {
    byte[] bytes = value.array();
    if (bytes.length == 0) {
      out.write('\'');
      out.write('\'');
      return;
    }
    boolean bare = true;
    for (byte b : bytes) {
      bare &= isBareChar(b);
    }
    if (bare) {
      out.writeBytes(bytes);
      return;
    }
    out.write('\'');
    for (byte b : bytes) {
      if (b == '\'') {
        out.writeBytes(new byte[] {'\'', '\\', '\'', '\''});
      } else {
        out.write(b);
      }
    }
    out.write('\'');
  }

  /**
   * Reads back a dump in the format {@link #format} writes. Blank lines and {@code #} comments are
   * allowed.
   *
   * @throws MalformedDumpException naming the line that is not {@code export NAME=WORD}
   */
  public static ContainerEnvironment parse(byte[] script) throws MalformedDumpException {
    Map<ByteString, ByteString> variables = new TreeMap<>();
    ShellReader reader = new ShellReader(script);
    while (reader.skipBlankAndComments()) {
      int line = reader.line();
      if (!reader.consume("export ")) {
        throw new MalformedDumpException("line " + line + ": expected 'export NAME=VALUE'");
      }
      ByteString name = reader.name();
      if (name.isEmpty()
          || (name.byteAt(0) >= '0' && name.byteAt(0) <= '9')
          || !reader.consume("=")) {
        throw new MalformedDumpException("line " + line + ": expected 'export NAME=VALUE'");
      }
      variables.put(name, reader.word(line));
    }
    return ContainerEnvironment.ofBytes(variables);
  }

  /** A cursor over the bytes of a dump. */
  private static final class ShellReader {
    private final byte[] bytes;
    private int position;
    private int line = 1;

    ShellReader(byte[] bytes) {
      this.bytes = bytes;
    }

    int line() {
      return line;
    }

    /** Skips blank lines and comments; false at the end of the input. */
    boolean skipBlankAndComments() {
      while (position < bytes.length) {
        byte b = bytes[position];
        if (b == '\n') {
          line++;
          position++;
        } else if (b == ' ' || b == '\t') {
          position++;
        } else if (b == '#') {
          while (position < bytes.length && bytes[position] != '\n') {
            position++;
          }
        } else {
          return true;
        }
      }
      return false;
    }

    boolean consume(String text) {
      byte[] expected = text.getBytes(StandardCharsets.US_ASCII);
      if (position + expected.length > bytes.length) {
        return false;
      }
      for (int i = 0; i < expected.length; i++) {
        if (bytes[position + i] != expected[i]) {
          return false;
        }
      }
      position += expected.length;
      return true;
    }

    ByteString name() {
      int start = position;
      while (position < bytes.length && isNameChar(bytes[position])) {
        position++;
      }
      return ByteString.copyOf(bytes, start, position);
    }

    /**
     * One shell word up to the end of its line: bare characters, '...' and "..." quotes and \
     * escapes. Anything a shell would expand or split ($, `, ", *, a space...) outside quotes is
     * rejected: it would not mean to a shell what it means here.
     */
    ByteString word(int startLine) throws MalformedDumpException {
      ByteArrayOutputStream value = new ByteArrayOutputStream();
      while (position < bytes.length && bytes[position] != '\n') {
        byte b = bytes[position++];
        if (b == '\'') {
          int close = position;
          while (close < bytes.length && bytes[close] != '\'') {
            close++;
          }
          if (close == bytes.length) {
            throw new MalformedDumpException("line " + startLine + ": unterminated quote");
          }
          for (int i = position; i < close; i++) {
            line += bytes[i] == '\n' ? 1 : 0;
          }
          value.write(bytes, position, close - position);
          position = close + 1;
        } else if (b == '"') {
          doubleQuoted(startLine, value);
        } else if (b == '\\' && position < bytes.length) {
          byte escaped = bytes[position++];
          if (escaped == '\n') {
            line++; // a line continuation: both bytes vanish
          } else {
            value.write(escaped);
          }
        } else if (isBareChar(b)) {
          value.write(b);
        } else {
          throw new MalformedDumpException(
              "line "
                  + startLine
                  + ": unquoted '"
                  + (char) (b & 0xff)
                  + "' after '='; expected one quoted or bare word");
        }
      }
      return ByteString.wrap(value.toByteArray());
    }

    /**
     * The rest of a "..." string, as phusion's {@code shlex.quote} writes {@code '"'"'}. An
     * expansion ({@code $}, backquote) is rejected: only a shell could evaluate it.
     */
    private void doubleQuoted(int startLine, ByteArrayOutputStream value)
        throws MalformedDumpException {
      while (true) {
        if (position == bytes.length) {
          throw new MalformedDumpException("line " + startLine + ": unterminated quote");
        }
        byte b = bytes[position++];
        if (b == '"') {
          return;
        } else if (b == '$' || b == '`') {
          throw new MalformedDumpException(
              "line "
                  + startLine
                  + ": '"
                  + (char) b
                  + "' inside \"...\" would be expanded by a shell");
        } else if (b == '\\'
            && position < bytes.length
            && "$`\"\\\n".indexOf(bytes[position]) >= 0) {
          byte escaped = bytes[position++];
          if (escaped == '\n') {
            line++;
          } else {
            value.write(escaped);
          }
        } else {
          line += b == '\n' ? 1 : 0;
          value.write(b);
        }
      }
    }
  }
}
