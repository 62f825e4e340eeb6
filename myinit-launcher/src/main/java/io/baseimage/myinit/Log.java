package io.baseimage.myinit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * my_init's log: lines on stderr prefixed {@code *** }, at a {@link Level}: {@code
 * MY_INIT_LOG_LEVEL}, else {@code info}; {@code --quiet} caps it at {@code warn}. Written as UTF-8
 * bytes whatever the locale, one write per line so that lines of concurrent writers do not mix. A
 * message cannot forge another line or drive the terminal: control characters in it (a newline in a
 * variable's name, an escape sequence in a script's) are shown escaped, {@code \n} or {@code \x1b}.
 */
final class Log {
  /** How much is logged: each level adds to the one before it. */
  enum Level {
    ERROR,
    WARN,
    INFO,
    /** Also what is skipped or ignored, and why, and each step of the shutdown. */
    DEBUG;

    /** {@code error}, {@code warn}, {@code info} or {@code debug}, in any case. */
    static Optional<Level> parse(String text) {
      for (Level level : values()) {
        if (level.name().equalsIgnoreCase(text.trim())) {
          return Optional.of(level);
        }
      }
      return Optional.empty();
    }

    /** {@code configured}, else {@code info}; {@code --quiet} caps it at {@code warn}. */
    static Level of(Optional<Level> configured, boolean quiet) {
      Level level = configured.orElse(INFO);
      return quiet && level.compareTo(WARN) > 0 ? WARN : level;
    }
  }

  private final OutputStream err;
  // Set again once the settings are read: their own errors are logged before that.
  private volatile Level level;

  Log(OutputStream err, Level level) {
    this.err = err;
    this.level = level;
  }

  void setLevel(Level level) {
    this.level = level;
  }

  boolean isDebug() {
    return level == Level.DEBUG;
  }

  void debug(String message) {
    if (level == Level.DEBUG) {
      write("*** DEBUG: " + message);
    }
  }

  void info(String message) {
    if (level.compareTo(Level.INFO) >= 0) {
      write("*** " + message);
    }
  }

  void warn(String message) {
    if (level.compareTo(Level.WARN) >= 0) {
      write("*** WARNING: " + message);
    }
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
