package io.baseimage.myinit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * my_init's log: lines on stderr prefixed {@code *** }. {@code --quiet} drops the informational
 * lines and keeps warnings and errors. Written as UTF-8 bytes whatever the locale, one write per
 * line so that lines of concurrent writers do not mix.
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
      err.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // stderr is gone (closed by the runtime): there is nowhere left to report to.
    }
  }
}
