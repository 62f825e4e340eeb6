package io.baseimage.startup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The process tree as {@code /proc} shows it. */
public final class ProcessTree {
  private ProcessTree() {}

  /**
   * Every descendant of {@code ancestor}: what an init that is not PID 1 may stop at exit, where
   * {@code kill(-1)} would reach processes outside its container.
   */
  public static List<Integer> descendantsOf(int ancestor, Path proc) throws IOException {
    Map<Integer, List<Integer>> children = childrenByParent(proc);
    List<Integer> descendants = new ArrayList<>();
    // Not ArrayDeque(Collection): it adds through a method reference that no AOT training links
    // (an init that is not PID 1 comes here at every shutdown).
    Deque<Integer> todo = new ArrayDeque<>();
    todo.push(ancestor);
    while (!todo.isEmpty()) {
      for (int child : children.getOrDefault(todo.pop(), List.of())) {
        descendants.add(child);
        todo.push(child);
      }
    }
    return descendants;
  }

  /** The processes whose parent is one of {@code parents}. */
  public static List<Integer> childrenOf(Collection<Integer> parents, Path proc)
      throws IOException {
    Map<Integer, List<Integer>> children = childrenByParent(proc);
    return parents.stream()
        .flatMap(parent -> children.getOrDefault(parent, List.of()).stream())
        .toList();
  }

  /** The arguments process {@code pid} was started with, or none if it has ended. */
  public static List<byte[]> commandLine(int pid, Path proc) {
    byte[] text;
    try {
      text = Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("cmdline"));
    } catch (IOException e) {
      return List.of();
    }
    List<byte[]> args = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length; i++) {
      if (text[i] == 0) {
        args.add(Arrays.copyOfRange(text, start, i));
        start = i + 1;
      }
    }
    if (start < text.length) {
      args.add(Arrays.copyOfRange(text, start, text.length));
    }
    return args;
  }

  /** Every process's children, by parent pid: one look at {@code /proc} for many questions. */
  public static Map<Integer, List<Integer>> childrenByParent(Path proc) throws IOException {
    Map<Integer, List<Integer>> children = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path entry : entries) {
        int parent = parentOf(entry.resolve("stat"));
        if (parent >= 0) {
          children
              .computeIfAbsent(parent, p -> new ArrayList<>())
              .add(Integer.parseInt(entry.getFileName().toString()));
        }
      }
    }
    return children;
  }

  /**
   * The state letter of process {@code pid} ({@code R}, {@code S}, {@code T} stopped, {@code Z}
   * zombie...), or 0 if there is no such process.
   */
  public static char stateOf(int pid, Path proc) {
    String fields = statFields(proc.resolve(Integer.toString(pid)).resolve("stat"));
    return fields.isEmpty() ? 0 : fields.charAt(0);
  }

  /**
   * When process {@code pid} started, in clock ticks since boot (field 22 of {@code
   * /proc/PID/stat}): with the pid, it names one process, which a reused pid does not.
   *
   * @return the start time, or -1 if the process is gone
   */
  public static long startTimeOf(int pid, Path proc) {
    String[] fields = statFields(proc.resolve(Integer.toString(pid)).resolve("stat")).split(" ");
    // The fields after the command name start with the third, the state.
    return fields.length > 19 ? Long.parseLong(fields[19]) : -1;
  }

  /**
   * The name the kernel gives process {@code pid} ({@code comm}: its program's name, cut to 15
   * bytes), or "" if it is gone.
   */
  public static String nameOf(int pid, Path proc) {
    try {
      String text =
          new String(
              Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("stat")),
              StandardCharsets.UTF_8);
      int open = text.indexOf('(');
      int close = text.lastIndexOf(')');
      return open >= 0 && close > open ? text.substring(open + 1, close) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The parent of process {@code pid}, or -1 if the process is gone. */
  public static int parentOf(int pid, Path proc) {
    return parentOf(proc.resolve(Integer.toString(pid)).resolve("stat"));
  }

  /** The parent pid in a {@code /proc/PID/stat} file, or -1 if the process is gone. */
  static int parentOf(Path stat) {
    try {
      return Integer.parseInt(statFields(stat).split(" ", 3)[1]);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** The fields after the command name in a {@code /proc/PID/stat} file, or "" if it is gone. */
  private static String statFields(Path stat) {
    try {
      String text = new String(Files.readAllBytes(stat), StandardCharsets.UTF_8);
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      return text.substring(text.lastIndexOf(')') + 2);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
