package io.baseimage.myinit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * my_init's log: lines on stderr prefixed {@code *** }. {@code --quiet} drops the informational
 * lines and keeps warnings and errors. Written as UTF-8 bytes whatever the locale, one write per
 * line so that lines of concurrent writers do not mix. A message cannot forge another line or drive
 * the terminal: control characters in it (a newline in a variable's name, an escape sequence in a
 * script's) are shown escaped, {@code \n} or {@code \x1b}.
 */
final class Log {
  private final OutputStream err;
  private final boolean quiet;

  Log(OutputStream err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  void info(String message) {
    if (!quiet) {
      write("*** " + message);
    }
  }

  void warn(String message) {
    write("*** WARNING: " + message);
  }

  void error(String message) {
    write("*** " + message);
  }

  private void write(String line) {
    try {
      err.write((printable(line) + "\n").getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // stderr is gone (closed by the runtime): there is nowhere left to report to.
    }
  }

  /** {@code text} with every control character but the tab escaped. */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
      if (control && out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (out != null) {
        if (!control) {
          out.append(c);
        } else if (c == '\n') {
          out.append("\\n");
        } else if (c == '\r') {
          out.append("\\r");
        } else {
          out.append(c < 0x80 ? "\\x" : "\\u00")
              .append(Character.forDigit(c >> 4 & 0xf, 16))
              .append(Character.forDigit(c & 0xf, 16));
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
