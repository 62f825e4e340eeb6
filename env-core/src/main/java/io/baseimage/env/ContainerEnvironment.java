package io.baseimage.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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

  public static ContainerEnvironment empty() {
    return EMPTY;
  }

  /** The given variables, UTF-8 encoded. */
  public static ContainerEnvironment of(Map<String, String> variables) {
    TreeMap<ByteString, ByteString> map = new TreeMap<>();
    variables.forEach(
        (name, value) ->
            map.put(checkedName(ByteString.of(name)), checkValue(ByteString.of(value))));
    return new ContainerEnvironment(map);
  }

  /** The given variables, as exact bytes. */
  public static ContainerEnvironment ofBytes(Map<ByteString, ByteString> variables) {
    TreeMap<ByteString, ByteString> map = new TreeMap<>();
    variables.forEach((name, value) -> map.put(checkedName(name), checkValue(value)));
    return new ContainerEnvironment(map);
  }

  /**
   * Parses the kernel's form of an environment: {@code NAME=VALUE} strings each ended by a NUL
   * byte, as in {@code /proc/PID/environ}. Strings without {@code =} are ignored; of two strings
   * with the same name the first counts, as for the C library's {@code getenv}.
   */
  public static ContainerEnvironment parseEnviron(byte[] environ) {
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
   */
  public static ContainerEnvironment ofProcess() throws IOException {
    return ofProcess(Path.of("/proc/self/environ"));
  }

  /** The environment in {@code environFile}, a file in the format of {@code /proc/PID/environ}. */
  public static ContainerEnvironment ofProcess(Path environFile) throws IOException {
    return parseEnviron(Files.readAllBytes(environFile));
  }

  /** The UTF-8 view of a value: invalid bytes read as U+FFFD. */
  public Optional<String> get(String name) {
    return getBytes(name).map(ByteString::toString);
  }

  /** The exact bytes of a value. */
  public Optional<ByteString> getBytes(String name) {
    return getBytes(ByteString.of(name));
  }

  public Optional<ByteString> getBytes(ByteString name) {
    return Optional.ofNullable(variables.get(name));
  }

  public boolean contains(String name) {
    return variables.containsKey(ByteString.of(name));
  }

  /** All variables, sorted by the bytes of their names; unmodifiable. */
  public SortedMap<ByteString, ByteString> asMap() {
    return variables;
  }

  /** The UTF-8 view of all variables, sorted by name. */
  public SortedMap<String, String> asStringMap() {
    TreeMap<String, String> map = new TreeMap<>();
    variables.forEach((name, value) -> map.put(name.toString(), value.toString()));
    return map;
  }

  public int size() {
    return variables.size();
  }

  public boolean isEmpty() {
    return variables.isEmpty();
  }

  public ContainerEnvironment with(String name, String value) {
    return with(ByteString.of(name), ByteString.of(value));
  }

  public ContainerEnvironment with(ByteString name, ByteString value) {
    TreeMap<ByteString, ByteString> map = new TreeMap<>(variables);
    map.put(checkedName(name), checkValue(value));
    return new ContainerEnvironment(map);
  }

  public ContainerEnvironment without(String name) {
    return without(ByteString.of(name));
  }

  public ContainerEnvironment without(ByteString key) {
    if (!variables.containsKey(key)) {
      return this;
    }
    TreeMap<ByteString, ByteString> map = new TreeMap<>(variables);
    map.remove(key);
    return new ContainerEnvironment(map);
  }

  /** This environment with every variable of {@code top} added or replacing the one here. */
  public ContainerEnvironment overlaidWith(ContainerEnvironment top) {
    if (top.isEmpty()) {
      return this;
    }
    TreeMap<ByteString, ByteString> map = new TreeMap<>(variables);
    map.putAll(top.variables);
    return new ContainerEnvironment(map);
  }

  /** {@code NAME=VALUE} byte strings, sorted, for {@code execve} and {@code posix_spawn}. */
  public List<byte[]> toEnviron() {
    List<byte[]> strings = new ArrayList<>(variables.size());
    variables.forEach((name, value) -> strings.add(environString(name, value)));
    return strings;
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
      throw new IllegalArgumentException("invalid variable name: '" + name + "'");
    }
    return name;
  }

  private static ByteString checkValue(ByteString value) {
    if (value.indexOf((byte) 0) >= 0) {
      throw new IllegalArgumentException("variable value contains a NUL byte: '" + value + "'");
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

  @Override
  public String toString() {
    return "ContainerEnvironment" + variables.keySet();
  }
}
