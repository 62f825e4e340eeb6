package io.baseimage.env;

import io.baseimage.env.internal.FileNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shell dump, {@code /etc/container_environment.sh}: one {@code export NAME=VALUE} line per
 * variable, sorted, safe to {@code source} from bash, dash and busybox sh. Sourcing it yields every
 * value byte for byte and runs nothing, whatever the value holds.
 *
 * <pre>{@code
 * Encoded script = ShellDump.format(env);   // export A_B='it'\''s'
 * Decoded<ContainerEnvironment> back = ShellDump.parse(script.bytes().toByteArray());
 * }</pre>
 *
 * <p>No argument may be null: each method throws {@link NullPointerException} naming it.
 */
public final class ShellDump {
  /**
   * Names a shell keeps for itself, which an {@code export} cannot set to the given bytes: bash
   * keeps some read-only ({@code export PPID=1} is an error, and in POSIX mode, bash as {@code sh},
   * one that ends the script sourcing the dump); dash refuses an {@code OPTIND} that is not a
   * number and stops; the others bash computes at each use ({@code RANDOM}, {@code SECONDS}, {@code
   * _}) or rejects ({@code BASH_XTRACEFD=x}).
   */
  private static final Set<String> KEPT_BY_THE_SHELL =
      Set.of(
          "BASHOPTS",
          "BASH_VERSINFO",
          "EUID",
          "PPID",
          "SHELLOPTS",
          "OPTIND",
          "RANDOM",
          "SRANDOM",
          "SECONDS",
          "LINENO",
          "BASHPID",
          "HISTCMD",
          "EPOCHSECONDS",
          "EPOCHREALTIME",
          "BASH_SUBSHELL",
          "BASH_COMMAND",
          "BASH_LINENO",
          "BASH_SOURCE",
          "BASH_ARGC",
          "BASH_ARGV",
          "BASH_ARGV0",
          "BASH_XTRACEFD",
          "FUNCNAME",
          "GROUPS",
          "DIRSTACK",
          "PIPESTATUS",
          "_");

  private ShellDump() {}

  /**
   * Formats {@code env}, without {@link ContainerEnvironment#IDENTITY_VARIABLES}. Names become
   * shell names: each character outside {@code [A-Za-z0-9_]} becomes {@code _}, a leading digit
   * gets a {@code _} prefix, each with a {@link Problem.Kind#RENAMED} problem. Where two names
   * become one, the later in byte order wins ({@link Problem.Kind#MERGED}). Names the shell keeps
   * for itself ({@code PPID}, {@code OPTIND}, {@code RANDOM}, {@code _}, ...) are left out ({@link
   * Problem.Kind#LEFT_OUT}), so that sourcing the dump never fails and yields what it says.
   *
   * @param env the variables
   * @return the script and what it does not carry as given
   */
  public static Encoded format(ContainerEnvironment env) {
    Objects.requireNonNull(env, "env");
    List<Problem> problems = new ArrayList<>();
    Map<String, ByteString> byShellName = new TreeMap<>();
    Map<String, ByteString> originalName = new TreeMap<>();
    for (Map.Entry<ByteString, ByteString> variable : env.asMap().entrySet()) {
      ByteString key = variable.getKey();
      String name = key.toString();
      if (ContainerEnvironment.IDENTITY_VARIABLES.contains(name)) {
        continue;
      }
      String shellName = shellName(name);
      if (KEPT_BY_THE_SHELL.contains(shellName)) {
        problems.add(
            new Problem(
                Problem.Kind.LEFT_OUT,
                shown(key),
                "left out of the shell dump: the shell keeps " + shellName + " for itself"));
        continue;
      }
      if (!shellName.equals(name)) {
        problems.add(
            new Problem(
                Problem.Kind.RENAMED,
                shown(key),
                "written as " + shellName + " in the shell dump"));
      }
      ByteString previous = originalName.put(shellName, key);
      if (previous != null) {
        problems.add(
            new Problem(
                Problem.Kind.MERGED,
                shown(key),
                "replaces " + shown(previous) + " as " + shellName + " in the shell dump"));
      }
      byShellName.put(shellName, variable.getValue());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * byShellName.size());
    byShellName.forEach(
        (name, value) -> {
          out.writeBytes(("export " + name + "=").getBytes(StandardCharsets.US_ASCII));
          quote(value, out);
          out.write('\n');
        });
    return new Encoded(ByteString.wrap(out.toByteArray()), problems);
  }

  /**
   * Writes the dump of {@code env} to {@code target} as {@link DumpFile#write(Path, ByteString)}
   * does: atomically, mode 0640.
   *
   * @param target the dump's path, {@code /etc/container_environment.sh} in the image
   * @param env the variables
   * @return what the dump does not carry as given (see {@link #format})
   * @throws NotWritableException if the directory is read-only or not ours to write
   * @throws IOException if writing fails otherwise; the old file stays whole
   */
  public static List<Problem> write(Path target, ContainerEnvironment env) throws IOException {
    Objects.requireNonNull(target, "target");
    Encoded script = format(env);
    DumpFile.write(target, script.bytes());
    return script.problems();
  }

  /**
   * Writes the dump of {@code env} to a stream.
   *
   * @param out where to write; not closed
   * @param env the variables
   * @return what the dump does not carry as given (see {@link #format})
   * @throws IOException if {@code out} fails
   */
  public static List<Problem> write(OutputStream out, ContainerEnvironment env) throws IOException {
    Objects.requireNonNull(out, "out");
    Encoded script = format(env);
    out.write(script.bytes().array());
    return script.problems();
  }

  /**
   * Reads a dump from a file (see {@link #parse}).
   *
   * @param dump the dump's path
   * @return the variables, and the names given twice
   * @throws MalformedDumpException if the file is not such a dump
   * @throws IOException if the file cannot be read
   */
  public static Decoded<ContainerEnvironment> read(Path dump) throws IOException {
    return parse(Files.readAllBytes(Objects.requireNonNull(dump, "dump")));
  }

  /** A name as problems show it; made only for a problem, not for every variable. */
  private static String shown(ByteString name) {
    return FileNames.display(name.toByteArray());
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
   * Reads back a dump in the format {@link #format} writes, or one written by hand in that form:
   * {@code export NAME=WORD} lines, where a word is bare, {@code '...'}, {@code "..."} (without
   * expansions) or a mix of them; blank lines, and {@code #} comments on a line of their own or
   * after a word. A name given twice counts with its later value, with a {@link
   * Problem.Kind#DUPLICATE} problem.
   *
   * @param script the dump's bytes
   * @return the variables, and the names given twice
   * @throws MalformedDumpException naming the line and column that break that form (never a value)
   */
  public static Decoded<ContainerEnvironment> parse(ByteString script)
      throws MalformedDumpException {
    return parse(Objects.requireNonNull(script, "script").array());
  }

  /**
   * Reads back a dump from its bytes (see {@link #parse(ByteString)}).
   *
   * @param script the dump's bytes
   * @return the variables, and the names given twice
   * @throws MalformedDumpException naming the line and column that break the form (never a value)
   */
  public static Decoded<ContainerEnvironment> parse(byte[] script) throws MalformedDumpException {
    Objects.requireNonNull(script, "script");
    Map<ByteString, ByteString> variables = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    ShellReader reader = new ShellReader(script);
    while (reader.skipBlankAndComments()) {
      if (!reader.consume("export ")) {
        throw reader.malformed("expected 'export NAME=VALUE'");
      }
      ByteString name = reader.name();
      if (name.isEmpty()
          || (name.byteAt(0) >= '0' && name.byteAt(0) <= '9')
          || !reader.consume("=")) {
        throw reader.malformed("expected 'export NAME=VALUE'");
      }
      String subject = FileNames.display(name.toByteArray());
      int line = reader.line;
      ByteString value = reader.word(subject);
      if (value.indexOf((byte) 0) >= 0) {
        throw new MalformedDumpException(
            "variable '" + subject + "': the value holds a NUL byte", line, 1);
      }
      if (variables.put(name, value) != null) {
        problems.add(
            new Problem(
                Problem.Kind.DUPLICATE,
                subject,
                "exported twice in the shell dump: the later value counts"));
      }
    }
    return new Decoded<>(ContainerEnvironment.ofBytes(variables), problems);
  }

  /** A cursor over the bytes of a dump. */
  private static final class ShellReader {
    private final byte[] bytes;
    private int position;
    private int line = 1;
    private int lineStart;

    ShellReader(byte[] bytes) {
      this.bytes = bytes;
    }

    /** An exception for the cursor's position. */
    MalformedDumpException malformed(String problem) {
      return new MalformedDumpException(problem, line, position - lineStart + 1);
    }

    private MalformedDumpException malformedAt(int at, String problem) {
      return new MalformedDumpException(problem, line, at - lineStart + 1);
    }

    private void newLineAt(int newline) {
      line++;
      lineStart = newline + 1;
    }

    /** Skips blank lines and comments; false at the end of the input. */
    boolean skipBlankAndComments() {
      while (position < bytes.length) {
        byte b = bytes[position];
        if (b == '\n') {
          newLineAt(position);
          position++;
        } else if (b == ' ' || b == '\t') {
          position++;
        } else if (b == '#') {
          skipToEndOfLine();
        } else {
          return true;
        }
      }
      return false;
    }

    private void skipToEndOfLine() {
      while (position < bytes.length && bytes[position] != '\n') {
        position++;
      }
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
     * One shell word up to the end of its line or a {@code #} comment after blanks: bare
     * characters, '...' and "..." quotes and \ escapes. Anything a shell would expand or split ($,
     * `, ", *, a space...) outside quotes is rejected: it would not mean to a shell what it means
     * here. Messages name the variable, never a byte of its value.
     */
    ByteString word(String variable) throws MalformedDumpException {
      ByteArrayOutputStream value = new ByteArrayOutputStream();
      while (position < bytes.length && bytes[position] != '\n') {
        int at = position;
        byte b = bytes[position++];
        if (b == '\'') {
          int close = position;
          while (close < bytes.length && bytes[close] != '\'') {
            close++;
          }
          if (close == bytes.length) {
            throw malformedAt(at, "variable '" + variable + "': unterminated quote");
          }
          value.write(bytes, position, close - position);
          for (int i = position; i < close; i++) {
            if (bytes[i] == '\n') {
              newLineAt(i);
            }
          }
          position = close + 1;
        } else if (b == '"') {
          doubleQuoted(at, variable, value);
        } else if (b == '\\' && position < bytes.length) {
          byte escaped = bytes[position++];
          if (escaped == '\n') {
            newLineAt(position - 1); // a line continuation: both bytes vanish
          } else {
            value.write(escaped);
          }
        } else if (isBareChar(b)) {
          value.write(b);
        } else if (b == ' ' || b == '\t') {
          endOfWord(at, variable);
        } else {
          throw malformedAt(
              at,
              "variable '"
                  + variable
                  + "': "
                  + (b == '\r' ? "a carriage return (a file with CRLF line ends?)" : "a character")
                  + " that a shell would interpret must be quoted");
        }
      }
      return ByteString.wrap(value.toByteArray());
    }

    /** After blanks: the end of the line, or a comment up to it. */
    private void endOfWord(int at, String variable) throws MalformedDumpException {
      while (position < bytes.length && (bytes[position] == ' ' || bytes[position] == '\t')) {
        position++;
      }
      if (position < bytes.length && bytes[position] == '#') {
        skipToEndOfLine();
      } else if (position < bytes.length && bytes[position] != '\n') {
        throw malformedAt(at, "variable '" + variable + "': a blank that a shell would split at");
      }
    }

    /**
     * The rest of a "..." string, as phusion's {@code shlex.quote} writes {@code '"'"'}. An
     * expansion ({@code $}, backquote) is rejected: only a shell could evaluate it.
     */
    private void doubleQuoted(int open, String variable, ByteArrayOutputStream value)
        throws MalformedDumpException {
      int openLine = line;
      int openColumn = open - lineStart + 1;
      while (true) {
        if (position == bytes.length) {
          throw new MalformedDumpException(
              "variable '" + variable + "': unterminated quote", openLine, openColumn);
        }
        int at = position;
        byte b = bytes[position++];
        if (b == '"') {
          return;
        } else if (b == '$' || b == '`') {
          throw malformedAt(
              at, "variable '" + variable + "': an expansion inside \"...\" needs a shell");
        } else if (b == '\\'
            && position < bytes.length
            && "$`\"\\\n".indexOf(bytes[position]) >= 0) {
          byte escaped = bytes[position++];
          if (escaped == '\n') {
            newLineAt(position - 1);
          } else {
            value.write(escaped);
          }
        } else {
          if (b == '\n') {
            newLineAt(at);
          }
          value.write(b);
        }
      }
    }
  }
}
