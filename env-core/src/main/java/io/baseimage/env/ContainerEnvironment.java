package io.baseimage.env;

import io.baseimage.env.internal.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of environment variables whose names and values are exact bytes, sorted by name.
 *
 * <p>Load it from any of the three stores, merge, query, and write it back:
 *
 * <pre>{@code
 * Decoded<ContainerEnvironment> dir = EnvironmentDirectory.read(Path.of("/etc/container_environment"));
 * dir.problems().forEach(p -> log.warn(p.toString()));
 * ContainerEnvironment env = dir.value().overlaidWith(ContainerEnvironment.ofProcess());
 * String home = env.get("HOME").orElse("/");
 * byte[] exact = env.getBytes("SECRET").map(ByteString::toByteArray).orElseThrow();
 * }</pre>
 *
 * <p>No argument may be null: each method throws {@link NullPointerException} naming the argument.
 * Messages name variables, never their values.
 */
public final class ContainerEnvironment {
  /**
   * Variables that describe who runs a process rather than the container; phusion's my_init keeps
   * them out of the directory and the shell dump, and so do we.
   */
  public static final Set<String> IDENTITY_VARIABLES =
      Set.of("HOME", "USER", "GROUP", "UID", "GID", "SHELL");

  private static final ContainerEnvironment EMPTY = new ContainerEnvironment(new TreeMap<>());

  private final SortedMap<ByteString, ByteString> variables;

  private ContainerEnvironment(TreeMap<ByteString, ByteString> variables) {
    this.variables = Collections.unmodifiableSortedMap(variables);
  }

  /**
   * The environment without variables.
   *
   * @return the empty environment
   */
  public static ContainerEnvironment empty() {
    return EMPTY;
  }

  /**
   * The given variables, UTF-8 encoded.
   *
   * <pre>{@code
   * ContainerEnvironment env = ContainerEnvironment.of(Map.of("LANG", "C.UTF-8"));
   * }</pre>
   *
   * @param variables names and values
   * @return an environment of those variables
   * @throws IllegalArgumentException if a name is empty or holds {@code =} or a NUL, or a value
   *     holds a NUL, or a name or value holds a lone surrogate
   */
  public static ContainerEnvironment of(Map<String, String> variables) {
    Objects.requireNonNull(variables, "variables");
    TreeMap<ByteString, ByteString> map = new TreeMap<>();
    variables.forEach(
        (name, value) -> {
          ByteString checked = checkedName(utf8(Objects.requireNonNull(name, "name"), null));
          map.put(checked, checkedValue(checked, utf8(requireValue(value, checked), checked)));
        });
    return new ContainerEnvironment(map);
  }

  /**
   * The given variables, as exact bytes.
   *
   * @param variables names and values
   * @return an environment of those variables
   * @throws IllegalArgumentException as for {@link #of(Map)}
   */
  public static ContainerEnvironment ofBytes(Map<ByteString, ByteString> variables) {
    Objects.requireNonNull(variables, "variables");
    TreeMap<ByteString, ByteString> map = new TreeMap<>();
    variables.forEach(
        (name, value) -> {
          ByteString checked = checkedName(Objects.requireNonNull(name, "name"));
          map.put(checked, checkedValue(checked, requireValue(value, checked)));
        });
    return new ContainerEnvironment(map);
  }

  /**
   * Parses the kernel's form of an environment: {@code NAME=VALUE} strings each ended by a NUL
   * byte, as in {@code /proc/PID/environ}. Strings without {@code =} are ignored; of two strings
   * with the same name the first counts, as for the C library's {@code getenv}.
   *
   * @param environ the bytes of such a file
   * @return the variables in it
   */
  public static ContainerEnvironment parseEnviron(byte[] environ) {
    Objects.requireNonNull(environ, "environ");
    TreeMap<ByteString, ByteString> map = new TreeMap<>();
    int start = 0;
    while (start < environ.length) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      int equals = start;
      while (equals < end && environ[equals] != '=') {
        equals++;
      }
      if (equals < end && equals > start) {
        map.putIfAbsent(
            ByteString.copyOf(environ, start, equals), ByteString.copyOf(environ, equals + 1, end));
      }
      start = end + 1;
    }
    return new ContainerEnvironment(map);
  }

  /**
   * The environment this process was started with, read as bytes from {@code /proc/self/environ}.
   * Unlike {@link System#getenv()} this loses nothing when no locale is set.
   *
   * @return the process's environment
   * @throws IOException if {@code /proc} cannot be read
   */
  public static ContainerEnvironment ofProcess() throws IOException {
    return ofProcess(Path.of("/proc/self/environ"));
  }

  /**
   * The environment in {@code environFile}, a file in the format of {@code /proc/PID/environ}.
   *
   * @param environFile the file
   * @return the variables in it
   * @throws IOException if the file cannot be read
   */
  public static ContainerEnvironment ofProcess(Path environFile) throws IOException {
    return parseEnviron(Files.readAllBytes(Objects.requireNonNull(environFile, "environFile")));
  }

  /**
   * The UTF-8 view of a value: bytes that are not UTF-8 read as U+FFFD.
   *
   * @param name the variable's name
   * @return its value, if set
   */
  public Optional<String> get(String name) {
    return getBytes(name).map(ByteString::toString);
  }

  /**
   * The UTF-8 view of a value, by the exact bytes of its name.
   *
   * @param name the variable's name
   * @return its value, if set
   */
  public Optional<String> get(ByteString name) {
    return getBytes(name).map(ByteString::toString);
  }

  /**
   * The exact bytes of a value.
   *
   * @param name the variable's name, UTF-8 encoded
   * @return its value, if set
   */
  public Optional<ByteString> getBytes(String name) {
    return getBytes(ByteString.of(Objects.requireNonNull(name, "name")));
  }

  /**
   * The exact bytes of a value, by the exact bytes of its name.
   *
   * @param name the variable's name
   * @return its value, if set
   */
  public Optional<ByteString> getBytes(ByteString name) {
    return Optional.ofNullable(variables.get(Objects.requireNonNull(name, "name")));
  }

  /**
   * Whether a variable is set.
   *
   * @param name the variable's name, UTF-8 encoded
   * @return true if it is set, also to the empty value
   */
  public boolean contains(String name) {
    return contains(ByteString.of(Objects.requireNonNull(name, "name")));
  }

  /**
   * Whether a variable is set, by the exact bytes of its name.
   *
   * @param name the variable's name
   * @return true if it is set, also to the empty value
   */
  public boolean contains(ByteString name) {
    return variables.containsKey(Objects.requireNonNull(name, "name"));
  }

  /**
   * All variables, sorted by the bytes of their names.
   *
   * @return an unmodifiable view
   */
  public SortedMap<ByteString, ByteString> asMap() {
    return variables;
  }

  /**
   * The UTF-8 view of all variables, sorted by name. Bytes that are not UTF-8 become U+FFFD, with a
   * {@link Problem.Kind#NOT_UTF8} problem; where two names become one string, the later in byte
   * order wins, with a {@link Problem.Kind#MERGED} problem.
   *
   * @return an unmodifiable map and what it could not hold exactly
   */
  public Decoded<SortedMap<String, String>> asStringMap() {
    TreeMap<String, String> map = new TreeMap<>();
    variables.forEach((name, value) -> map.put(name.toString(), value.toString()));
    return new Decoded<>(Collections.unmodifiableSortedMap(map), lossesAsText("the String view"));
  }

  /**
   * What a text form of these variables (the String view, the JSON dump) cannot carry exactly:
   * names and values that are not UTF-8, and names that become one string, the later in byte order
   * winning.
   */
  List<Problem> lossesAsText(String where) {
    List<Problem> problems = new ArrayList<>();
    Map<String, ByteString> byText = new TreeMap<>();
    variables.forEach(
        (name, value) -> {
          if (!name.isValidUtf8() || !value.isValidUtf8()) {
            problems.add(
                new Problem(
                    Problem.Kind.NOT_UTF8,
                    FileNames.display(name.toByteArray()),
                    "not valid UTF-8: written to " + where + " with U+FFFD for each invalid byte"));
          }
          String text = name.toString();
          ByteString earlier = byText.put(text, name);
          if (earlier != null) {
            problems.add(
                new Problem(
                    Problem.Kind.MERGED,
                    FileNames.display(name.toByteArray()),
                    "replaces "
                        + FileNames.display(earlier.toByteArray())
                        + " as "
                        + FileNames.display(ByteString.of(text).toByteArray())
                        + " in "
                        + where));
          }
        });
    return problems;
  }

  /**
   * The number of variables.
   *
   * @return the number of variables
   */
  public int size() {
    return variables.size();
  }

  /**
   * Whether there are no variables.
   *
   * @return true if there are none
   */
  public boolean isEmpty() {
    return variables.isEmpty();
  }

  /**
   * This environment with one variable set.
   *
   * <pre>{@code
   * ContainerEnvironment env = ContainerEnvironment.empty().with("GREETING", "hi");
   * }</pre>
   *
   * @param name the variable's name, UTF-8 encoded
   * @param value its value, UTF-8 encoded
   * @return a new environment; this one is unchanged
   * @throws IllegalArgumentException as for {@link #of(Map)}
   */
  public ContainerEnvironment with(String name, String value) {
    ByteString checked = utf8(Objects.requireNonNull(name, "name"), null);
    return with(checked, utf8(requireValue(value, checked), checked));
  }

  /**
   * This environment with one variable set, as exact bytes.
   *
   * @param name the variable's name
   * @param value its value
   * @return a new environment; this one is unchanged
   * @throws IllegalArgumentException as for {@link #of(Map)}
   */
  public ContainerEnvironment with(ByteString name, ByteString value) {
    ByteString checked = checkedName(Objects.requireNonNull(name, "name"));
    ByteString checkedValue = checkedValue(checked, requireValue(value, checked));
    TreeMap<ByteString, ByteString> map = new TreeMap<>(variables);
    map.put(checked, checkedValue);
    return new ContainerEnvironment(map);
  }

  /**
   * This environment without one variable.
   *
   * @param name the variable's name, UTF-8 encoded
   * @return a new environment, or this one if the variable was not set
   */
  public ContainerEnvironment without(String name) {
    return without(ByteString.of(Objects.requireNonNull(name, "name")));
  }

  /**
   * This environment without one variable, by the exact bytes of its name.
   *
   * @param name the variable's name
   * @return a new environment, or this one if the variable was not set
   */
  public ContainerEnvironment without(ByteString name) {
    if (!variables.containsKey(Objects.requireNonNull(name, "name"))) {
      return this;
    }
    TreeMap<ByteString, ByteString> map = new TreeMap<>(variables);
    map.remove(name);
    return new ContainerEnvironment(map);
  }

  /**
   * This environment with every variable of {@code top} added or replacing the one here.
   *
   * @param top the variables that win
   * @return the merged environment
   */
  public ContainerEnvironment overlaidWith(ContainerEnvironment top) {
    if (Objects.requireNonNull(top, "top").isEmpty()) {
      return this;
    }
    TreeMap<ByteString, ByteString> map = new TreeMap<>(variables);
    map.putAll(top.variables);
    return new ContainerEnvironment(map);
  }

  /**
   * The kernel's form, for {@code execve} and {@code posix_spawn}.
   *
   * @return {@code NAME=VALUE} byte strings, sorted, each a new array; the list is unmodifiable
   */
  public List<byte[]> toEnviron() {
    List<byte[]> strings = new ArrayList<>(variables.size());
    variables.forEach((name, value) -> strings.add(environString(name, value)));
    return Collections.unmodifiableList(strings);
  }

  static byte[] environString(ByteString name, ByteString value) {
    byte[] string = new byte[name.length() + 1 + value.length()];
    System.arraycopy(name.array(), 0, string, 0, name.length());
    string[name.length()] = '=';
    System.arraycopy(value.array(), 0, string, name.length() + 1, value.length());
    return string;
  }

  private static ByteString checkedName(ByteString name) {
    if (name.isEmpty() || name.indexOf((byte) '=') >= 0 || name.indexOf((byte) 0) >= 0) {
      throw new IllegalArgumentException(
          "invalid variable name '"
              + FileNames.display(name.toByteArray())
              + "': empty, or holds '=' or a NUL byte");
    }
    return name;
  }

  /**
   * The UTF-8 bytes of {@code text}, which must be whole characters: a lone surrogate has no UTF-8
   * bytes, and {@link String#getBytes} would silently write {@code ?} for it.
   */
  private static ByteString utf8(String text, ByteString nameOfValue) {
    int at = loneSurrogateAt(text);
    if (at >= 0) {
      throw new IllegalArgumentException(
          (nameOfValue == null
                  ? "a variable name"
                  : "the value of variable '" + FileNames.display(nameOfValue.toByteArray()) + "'")
              + " holds a lone surrogate (char "
              + at
              + "), which is no character and has no UTF-8 bytes");
    }
    return ByteString.of(text);
  }

  /** Where {@code text} holds a surrogate that is not half of a pair, or -1. */
  static int loneSurrogateAt(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static <T> T requireValue(T value, ByteString name) {
    if (value == null) {
      throw new NullPointerException(
          "value of variable '" + FileNames.display(name.toByteArray()) + "'");
    }
    return value;
  }

  private static ByteString checkedValue(ByteString name, ByteString value) {
    if (value.indexOf((byte) 0) >= 0) {
      throw new IllegalArgumentException(
          "the value of variable '"
              + FileNames.display(name.toByteArray())
              + "' holds a NUL byte, which no process environment can carry");
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContainerEnvironment other && variables.equals(other.variables);
  }

  @Override
  public int hashCode() {
    return variables.hashCode();
  }

  /**
   * The names, never the values: an environment holds secrets.
   *
   * @return for example {@code ContainerEnvironment[HOME, LANG]}
   */
  @Override
  public String toString() {
    StringBuilder names = new StringBuilder("ContainerEnvironment[");
    String separator = "";
    for (ByteString name : variables.keySet()) {
      names.append(separator).append(FileNames.display(name.toByteArray()));
      separator = ", ";
    }
    return names.append(']').toString();
  }
}
