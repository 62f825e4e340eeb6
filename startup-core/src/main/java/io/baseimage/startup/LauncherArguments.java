package io.baseimage.startup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The program arguments as exact bytes. The JVM decodes {@code main}'s arguments with the locale's
 * charset, which turns every non-ASCII byte into {@code ?} when no locale is set; the kernel's copy
 * in {@code /proc/self/cmdline} is exact, and the arguments are its last entries.
 */
public final class LauncherArguments {
  private LauncherArguments() {}

  public static List<byte[]> of(String[] args) {
    List<byte[]> raw = fromCmdline(args.length);
    if (raw == null) {
      raw = new ArrayList<>();
      for (String arg : args) {
        raw.add(arg.getBytes(StandardCharsets.UTF_8));
      }
    }
    // Started through the /sbin shim's "#!" line, the kernel passes the shim's own path first.
    if (Boolean.getBoolean("baseimage.launcher.shebang") && !raw.isEmpty()) {
      raw = raw.subList(1, raw.size());
    }
    return raw;
  }

  private static List<byte[]> fromCmdline(int count) {
    byte[] cmdline;
    try {
      cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    } catch (IOException e) {
      return null;
    }
    List<byte[]> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        byte[] entry = new byte[i - start];
        System.arraycopy(cmdline, start, entry, 0, entry.length);
        entries.add(entry);
        start = i + 1;
      }
    }
    return entries.size() < count
        ? null
        : new ArrayList<>(entries.subList(entries.size() - count, entries.size()));
  }
}
