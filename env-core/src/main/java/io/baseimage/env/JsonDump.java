package io.baseimage.env;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.baseimage.env.internal.FileNames;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The JSON dump, {@code /etc/container_environment.json}: one object of all variables, keys sorted,
 * UTF-8, ending in a newline.
 *
 * <p>JSON text cannot carry bytes that are not UTF-8: such bytes are written as U+FFFD, with a
 * problem naming the variable. Everything else is carried exactly.
 *
 * <pre>{@code
 * Encoded json = JsonDump.format(env);   // {"HOME":"/root","LANG":"C.UTF-8"}
 * json.problems().forEach(System.err::println);
 * Decoded<ContainerEnvironment> back = JsonDump.parse(json.bytes().toByteArray());
 * }</pre>
 *
 * <p>No argument may be null: each method throws {@link NullPointerException} naming it.
 */
public final class JsonDump {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private JsonDump() {}

  /**
   * The dump of {@code env}.
   *
   * @param env the variables
   * @return the JSON text, with a {@link Problem.Kind#NOT_UTF8} problem for each variable that JSON
   *     cannot carry exactly and a {@link Problem.Kind#MERGED} one where two names become one key
   */
  public static Encoded format(ContainerEnvironment env) {
    Objects.requireNonNull(env, "env");
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * env.size() + 4);
    try {
      writeJson(out, env);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return new Encoded(ByteString.wrap(out.toByteArray()), problems(env));
  }

  /**
   * Writes the dump of {@code env} to {@code target} as {@link DumpFile#write(Path,
   * DumpFile.Content)} does: atomically, mode 0640, streamed (an environment of several MiB never
   * needs its whole dump in memory).
   *
   * @param target the dump's path, {@code /etc/container_environment.json} in the image
   * @param env the variables
   * @return what the dump does not carry exactly (see {@link #format})
   * @throws NotWritableException if the directory is read-only or not ours to write
   * @throws IOException if writing fails otherwise; the old file stays whole
   */
  public static List<Problem> write(Path target, ContainerEnvironment env) throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(env, "env");
    DumpFile.write(target, out -> writeJson(out, env));
    return problems(env);
  }

  /**
   * Writes the dump of {@code env} to a stream, one value at a time.
   *
   * @param out where to write; not closed
   * @param env the variables
   * @return what the dump does not carry exactly (see {@link #format})
   * @throws IOException if {@code out} fails
   */
  public static List<Problem> write(OutputStream out, ContainerEnvironment env) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(env, "env");
    // writeJson writes a few bytes at a time: a system call each on a bare FileOutputStream.
    BufferedOutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
    writeJson(buffered, env);
    buffered.flush();
    return problems(env);
  }

  /**
   * The dump of {@code env} to {@code out}, without its problems (see {@link #problems}): one line,
   * the bytes Jackson's generator writes (JsonDumpTest compares them), escaping only what JSON
   * requires. Not Jackson's generator itself: its set-up costs every boot ~1.5 ms, interpreted
   * (docs/architecture.md, "Dependencies"); Jackson parses.
   */
  static void writeJson(OutputStream out, ContainerEnvironment env) throws IOException {
    out.write('{');
    boolean first = true;
    for (Map.Entry<String, ByteString> field : fields(env)) {
      if (!first) {
        out.write(',');
      }
      first = false;
      writeString(out, field.getKey());
      out.write(':');
      writeString(out, field.getValue().toString());
    }
    out.write('}');
    out.write('\n');
  }

  /**
   * A JSON string: UTF-8, with '"', '\\' and the control characters escaped, and a character beyond
   * U+FFFF as its escaped UTF-16 pair, as Jackson writes it.
   */
  private static void writeString(OutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.write('"');
    int plain = 0;
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xFF;
      if (b >= 0x20 && b != '"' && b != '\\' && b < 0xF0) {
        continue;
      }
      out.write(utf8, plain, i - plain);
      if (b >= 0xF0) {
        // The 4-byte sequence of a supplementary character (String.getBytes writes no other).
        int codePoint =
            (b & 0x07) << 18
                | (utf8[i + 1] & 0x3F) << 12
                | (utf8[i + 2] & 0x3F) << 6
                | (utf8[i + 3] & 0x3F);
        writeEscaped(out, Character.highSurrogate(codePoint));
        writeEscaped(out, Character.lowSurrogate(codePoint));
        i += 3;
      } else if (b == '"' || b == '\\') {
        out.write('\\');
        out.write(b);
      } else {
        writeControl(out, b);
      }
      plain = i + 1;
    }
    out.write(utf8, plain, utf8.length - plain);
    out.write('"');
  }

  private static void writeControl(OutputStream out, int b) throws IOException {
    int shortForm =
        switch (b) {
          case '\b' -> 'b';
          case '\t' -> 't';
          case '\n' -> 'n';
          case '\f' -> 'f';
          case '\r' -> 'r';
          default -> -1;
        };
    if (shortForm < 0) {
      writeEscaped(out, (char) b);
    } else {
      out.write('\\');
      out.write(shortForm);
    }
  }

  /** {@code \\uXXXX}, upper-case hex. */
  private static void writeEscaped(OutputStream out, char c) throws IOException {
    out.write('\\');
    out.write('u');
    out.write(HEX[c >> 12]);
    out.write(HEX[(c >> 8) & 0xF]);
    out.write(HEX[(c >> 4) & 0xF]);
    out.write(HEX[c & 0xF]);
  }

  /** What {@link #write} cannot carry exactly: values and names that are not UTF-8, merged keys. */
  static List<Problem> problems(ContainerEnvironment env) {
    return env.lossesAsText("the JSON dump");
  }

  /**
   * Keys as written, in byte order of their UTF-8 (= code point order, as jq and Python sort). Two
   * names with invalid bytes can become one key: the later in byte order wins, as in the shell
   * dump, instead of a duplicate key. Values stay bytes until they are written.
   */
  private static Collection<Map.Entry<String, ByteString>> fields(ContainerEnvironment env) {
    TreeMap<ByteString, Map.Entry<String, ByteString>> byKey = new TreeMap<>();
    for (Map.Entry<ByteString, ByteString> variable : env.asMap().entrySet()) {
      String key = variable.getKey().toString();
      byKey.put(ByteString.of(key), Map.entry(key, variable.getValue()));
    }
    return byKey.values();
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

  /**
   * Reads back a JSON object of string values. A name given twice counts with its later value, as
   * for jq and Python, with a {@link Problem.Kind#DUPLICATE} problem.
   *
   * @param json the dump's bytes
   * @return the variables, and the names given twice
   * @throws MalformedDumpException if {@code json} is not such an object: the message names the
   *     line and column (and the variable, where known), never a value
   */
  public static Decoded<ContainerEnvironment> parse(ByteString json) throws MalformedDumpException {
    return parse(Objects.requireNonNull(json, "json").array());
  }

  /**
   * Reads back a JSON object of string values from its bytes (see {@link #parse(ByteString)}).
   *
   * @param json the dump's bytes
   * @return the variables, and the names given twice
   * @throws MalformedDumpException if {@code json} is not such an object
   */
  public static Decoded<ContainerEnvironment> parse(byte[] json) throws MalformedDumpException {
    Objects.requireNonNull(json, "json");
    requireUtf8(json);
    Map<ByteString, ByteString> variables = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    JsonParser parser;
    try {
      parser = Parsing.FACTORY.createParser(json);
    } catch (IOException e) {
      throw new MalformedDumpException("not valid JSON", 1, 1);
    }
    try (parser) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw malformed(parser, "expected a JSON object");
      }
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        ByteString name = ByteString.of(parser.currentName());
        String subject = FileNames.display(name.toByteArray());
        if (parser.nextToken() != JsonToken.VALUE_STRING) {
          throw malformed(parser, "variable '" + subject + "': expected a string");
        }
        String value = parser.getText();
        if (hasLoneSurrogate(parser.currentName()) || hasLoneSurrogate(value)) {
          // An escape such as \ud800 names no character, so it has no UTF-8 bytes to keep.
          throw malformed(
              parser, "variable '" + subject + "': a lone surrogate escape is not a character");
        }
        ByteString bytes = ByteString.of(value);
        if (name.isEmpty() || name.indexOf((byte) '=') >= 0 || name.indexOf((byte) 0) >= 0) {
          throw malformed(parser, "variable '" + subject + "': not a name (empty, '=' or NUL)");
        }
        if (bytes.indexOf((byte) 0) >= 0) {
          throw malformed(parser, "variable '" + subject + "': the value holds a NUL byte");
        }
        if (variables.put(name, bytes) != null) {
          problems.add(
              new Problem(
                  Problem.Kind.DUPLICATE,
                  subject,
                  "given twice in the JSON dump: the later value counts"));
        }
      }
      if (parser.nextToken() != null) {
        throw malformed(parser, "text after the JSON object");
      }
      return new Decoded<>(ContainerEnvironment.ofBytes(variables), problems);
    } catch (MalformedDumpException e) {
      throw e;
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the input: only its position is kept. A limit (a number of more
      // than 1,000 digits) has no location of its own: the parser's is where it stopped.
      JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
      throw new MalformedDumpException(
          "not valid JSON", Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
    } catch (IOException e) {
      JsonLocation at = parser.currentLocation();
      throw new MalformedDumpException(
          "not valid JSON", Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
    }
  }

  /**
   * The dump is UTF-8 (RFC 8259 for JSON between systems): Jackson would also take UTF-16 and
   * UTF-32, and read overlong UTF-8 sequences as other characters.
   */
  private static void requireUtf8(byte[] json) throws MalformedDumpException {
    CharsetDecoder strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(json);
    CharBuffer out = CharBuffer.allocate(4096);
    while (true) {
      CoderResult result = strict.decode(in, out, true);
      if (result.isError()) {
        throw malformedAt(json, in.position(), "not UTF-8");
      }
      if (result.isUnderflow()) {
        break;
      }
      out.clear();
    }
    for (int i = 0; i < json.length; i++) {
      if (json[i] == 0) {
        throw malformedAt(json, i, "a NUL byte (UTF-16 or UTF-32 text?)");
      }
    }
  }

  private static MalformedDumpException malformedAt(byte[] json, int offset, String problem) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (json[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new MalformedDumpException(problem, line, offset - lineStart + 1);
  }

  private static MalformedDumpException malformed(JsonParser parser, String problem) {
    JsonLocation at = parser.currentTokenLocation();
    return new MalformedDumpException(
        problem, Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
  }

  private static boolean hasLoneSurrogate(String text) {
    return ContainerEnvironment.loneSurrogateAt(text) >= 0;
  }

  /** Jackson's parser, set up only by the first parse: a boot only writes. */
  private static final class Parsing {
    /**
     * Names as long as a variable may be (Jackson's default allows 50,000 characters): whatever the
     * directory holds, its dump reads back.
     */
    static final JsonFactory FACTORY =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNameLength(EnvironmentDirectory.MAX_VARIABLE_BYTES)
                    .maxStringLength(EnvironmentDirectory.MAX_ENVIRONMENT_BYTES)
                    .build())
            .build();

    private Parsing() {}
  }
}
