package io.baseimage.startup;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The launchers' text on stdout and stderr: UTF-8 whatever the locale, flushed at once. */
public final class Output {
  private Output() {}

  public static void print(OutputStream stream, String text) {
    PrintStream printer = new PrintStream(stream, true, StandardCharsets.UTF_8);
    printer.print(text);
    printer.flush();
  }
}
