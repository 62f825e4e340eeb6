package io.baseimage.startup;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The launchers' text on stdout and stderr: UTF-8 whatever the locale, flushed at once. */
public final class Output {
  private Output() {}

  /**
   * {@code e} in one line, for an error nobody expected: its class and the first line of its
   * message. jffi's {@code UnsatisfiedLinkError} carries a whole stack trace in its message.
   */
  public static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null) {
      return e.getClass().getName();
    }
    int end = message.indexOf('\n');
    return e.getClass().getName() + ": " + (end < 0 ? message : message.substring(0, end));
  }

  public static void print(OutputStream stream, String text) {
    PrintStream printer = new PrintStream(stream, true, StandardCharsets.UTF_8);
    printer.print(text);
    printer.flush();
  }
}
