package io.baseimage.env;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * ContainerEnvironment back = JsonDump.parse(json.bytes());
 * }</pre>
 */
public final class JsonDump {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonDump() {}

  /** The dump of {@code env}, with a problem for each variable that JSON cannot carry exactly. */
  public static Encoded format(ContainerEnvironment env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * env.size() + 4);
    try {
      write(env, out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return new Encoded(out.toByteArray(), problems(env));
  }

  /**
   * Writes the dump of {@code env} to {@code out}, one value at a time: an environment of several
   * MiB never needs its whole dump in memory (see {@link DumpFile#write(Path, DumpFile.Content)}).
   */
  public static void write(ContainerEnvironment env, OutputStream out) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.writeStartObject();
      for (Map.Entry<String, ByteString> field : fields(env)) {
        json.writeStringField(field.getKey(), field.getValue().toString());
      }
      json.writeEndObject();
    }
    out.write('\n');
  }

  /** What {@link #write} cannot carry exactly: values and names that are not UTF-8, merged keys. */
  public static List<Problem> problems(ContainerEnvironment env) {
    List<Problem> problems = new ArrayList<>();
    TreeMap<ByteString, ByteString> keys = new TreeMap<>();
    for (Map.Entry<ByteString, ByteString> variable : env.asMap().entrySet()) {
      ByteString name = variable.getKey();
      if (!name.isValidUtf8() || !variable.getValue().isValidUtf8()) {
        problems.add(
            new Problem(
                name.toString(),
                "not valid UTF-8: written to the JSON dump with U+FFFD for each invalid byte"));
      }
      String key = name.toString();
      if (keys.put(ByteString.of(key), name) != null) {
        problems.add(
            new Problem(
                name.toString(), "replaces another variable as " + key + " in the JSON dump"));
      }
    }
    return problems;
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
   * Reads back a JSON object of string values.
   *
   * @throws MalformedDumpException if {@code json} is not such an object
   */
  public static ContainerEnvironment parse(byte[] json) throws MalformedDumpException {
    Map<ByteString, ByteString> variables = new TreeMap<>();
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedDumpException("expected a JSON object");
      }
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        String name = parser.currentName();
        if (parser.nextToken() != JsonToken.VALUE_STRING) {
          throw new MalformedDumpException(
              "variable '"
                  + name
                  + "' at "
                  + parser.currentLocation().offsetDescription()
                  + ": expected a string");
        }
        String value = parser.getText();
        if (hasLoneSurrogate(name) || hasLoneSurrogate(value)) {
          // An escape such as \ud800 names no character, so it has no UTF-8 bytes to keep.
          throw new MalformedDumpException(
              "variable '" + name + "': a lone surrogate escape is not a character");
        }
        variables.put(ByteString.of(name), ByteString.of(value));
      }
      if (parser.nextToken() != null) {
        throw new MalformedDumpException("text after the JSON object");
      }
      return ContainerEnvironment.ofBytes(variables);
    } catch (MalformedDumpException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedDumpException("not a JSON object of strings: " + e.getMessage(), e);
    }
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
