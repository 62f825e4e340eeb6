package io.baseimage.startup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
    Map<Integer, List<Integer>> children = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path entry : entries) {
        int parent = parentOf(entry.resolve("stat"));
        if (parent >= 0) {
          children.computeIfAbsent(parent, p -> new ArrayList<>())
              .add(Integer.parseInt(entry.getFileName().toString()));
        }
      }
    }
    List<Integer> descendants = new ArrayList<>();
    Deque<Integer> todo = new ArrayDeque<>(List.of(ancestor));
    while (!todo.isEmpty()) {
      for (int child : children.getOrDefault(todo.pop(), List.of())) {
        descendants.add(child);
        todo.push(child);
      }
    }
    return descendants;
  }

  /** The parent pid in a {@code /proc/PID/stat} file, or -1 if the process is gone. */
  static int parentOf(Path stat) {
    try {
      String text = new String(Files.readAllBytes(stat), StandardCharsets.UTF_8);
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ", 3);
      return Integer.parseInt(fields[1]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
