package io.baseimage.env.internal;

import io.baseimage.env.ByteString;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * File names and paths as exact bytes: the one way from a name's bytes to the kernel for env-core,
 * startup-core and my_init (docs/architecture.md, "The environment, from the kernel to the
 * children"). {@link Path#of(String, String...)} and {@link Path#toString()} convert with the JVM's
 * file name encoding ({@code sun.jnu.encoding}), which is US-ASCII when no locale is set, as in
 * most containers: there {@code /opt/café} throws {@code InvalidPathException}, and a name read
 * from a directory turns each non-ASCII byte into U+FFFD. The default provider's {@code file:} URIs
 * carry a path's bytes percent-encoded, whatever the locale, so paths go through them.
 */
public final class FileNames {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

  private FileNames() {}

  /**
   * The exact bytes of the last element of {@code path}.
   *
   * @param path a path
   * @return its file name's bytes
   */
  public static ByteString nameOf(Path path) {
    byte[] bytes = bytesOf(path);
    int start = bytes.length;
    while (start > 0 && bytes[start - 1] != '/') {
      start--;
    }
    byte[] name = new byte[bytes.length - start];
    System.arraycopy(bytes, start, name, 0, name.length);
    return ByteString.of(name);
  }

  /**
   * The file {@code name} in {@code dir}, with exactly the bytes of {@code name}. The caller has
   * checked that {@code name} is a single file name (not empty, {@code .}, {@code ..}, no {@code
   * /}).
   *
   * @param dir a directory
   * @param name a file name in it
   * @return the path of that file
   */
  public static Path resolve(Path dir, ByteString name) {
    if (dir.getFileSystem() != FileSystems.getDefault()) {
      return dir.resolve(name.toString());
    }
    byte[] parent = bytesOf(dir);
    byte[] own = name.toByteArray();
    boolean root = parent.length == 1;
    byte[] joined = new byte[parent.length + (root ? 0 : 1) + own.length];
    System.arraycopy(parent, 0, joined, 0, parent.length);
    if (!root) {
      joined[parent.length] = '/';
    }
    System.arraycopy(own, 0, joined, joined.length - own.length, own.length);
    return pathOf(joined);
  }

  /**
   * The exact bytes of {@code path}, made absolute.
   *
   * @param path a path
   * @return its bytes
   */
  public static byte[] bytesOf(Path path) {
    Path absolute = path.toAbsolutePath();
    String text = absolute.toString();
    if (path.getFileSystem() != FileSystems.getDefault()) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    // The JDK decodes a path's bytes with the file name encoding (sun.jnu.encoding), which keeps
    // ASCII bytes as they are and decodes no other byte to ASCII: a text that is all ASCII is the
    // bytes themselves. Most names are, and toUri() costs a stat and a percent-encoding of the
    // whole path (~50 us a name, interpreted, on every boot's directory read).
    if (isAscii(text)) {
      return text.getBytes(StandardCharsets.US_ASCII);
    }
    String raw = absolute.toUri().getRawPath();
    int end = raw.length();
    // toUri() appends '/' for a directory.
    while (end > 1 && raw.charAt(end - 1) == '/') {
      end--;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(end);
    for (int i = 0; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < end) {
        bytes.write(Integer.parseInt(raw, i + 1, i + 3, 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toByteArray();
  }

  /**
   * The path whose bytes are exactly {@code bytes}: absolute, or relative to the working directory.
   * Never an {@code InvalidPathException}, whatever the locale.
   *
   * @param bytes a path's bytes
   * @return the path
   */
  public static Path pathOf(byte[] bytes) {
    byte[] absolute = bytes;
    if (bytes.length == 0 || bytes[0] != '/') {
      byte[] cwd = bytesOf(Path.of(""));
      absolute = new byte[cwd.length + 1 + bytes.length];
      System.arraycopy(cwd, 0, absolute, 0, cwd.length);
      absolute[cwd.length] = '/';
      System.arraycopy(bytes, 0, absolute, cwd.length + 1, bytes.length);
    }
    StringBuilder uri = new StringBuilder("file://");
    for (byte b : absolute) {
      if ((b >= 'A' && b <= 'Z')
          || (b >= 'a' && b <= 'z')
          || (b >= '0' && b <= '9')
          || b == '-'
          || b == '_'
          || b == '.'
          || b == '~'
          || b == '/') {
        uri.append((char) b);
      } else {
        uri.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return Path.of(URI.create(uri.toString()));
  }

  /**
   * {@code bytes} as text for a log line: UTF-8 where they are, each other byte as {@code \xNN},
   * and control and invisible characters escaped ({@code \r}, {@code \n}, {@code \t}, {@code \\},
   * else {@code \xNN} or {@code \u202e}), so that a name can neither break a log line nor hide in
   * one.
   *
   * @param bytes a name or path
   * @return the text to log
   */
  public static String display(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    StringBuilder text = new StringBuilder(bytes.length + 8);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      appendEscaped(out.flip(), text);
      out.clear();
      if (result.isUnderflow()) {
        return text.toString();
      }
      for (int i = 0; i < result.length(); i++) {
        int b = in.get() & 0xff;
        text.append("\\x").append(HEX_LOWER[b >> 4]).append(HEX_LOWER[b & 0xf]);
      }
    }
  }

  /**
   * Characters that change how a line reads without showing: format characters (bidi overrides such
   * as U+202E, zero-width spaces) and the line and paragraph separators.
   */
  private static boolean isInvisible(char c) {
    int type = Character.getType(c);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static void appendEscaped(CharSequence text, StringBuilder escaped) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        case '\t' -> escaped.append("\\t");
        case '\\' -> escaped.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            escaped.append("\\x").append(HEX_LOWER[c >> 4]).append(HEX_LOWER[c & 0xf]);
          } else if (c >= 0x80 && (c <= 0x9f || isInvisible(c))) {
            escaped
                .append("\\u")
                .append(HEX_LOWER[c >> 12])
                .append(HEX_LOWER[(c >> 8) & 0xf])
                .append(HEX_LOWER[(c >> 4) & 0xf])
                .append(HEX_LOWER[c & 0xf]);
          } else {
            escaped.append(c);
          }
        }
      }
    }
  }

  /**
   * {@code path}'s exact bytes, for a log line (see {@link #display(byte[])}).
   *
   * @param path a path
   * @return the text to log
   */
  public static String display(Path path) {
    return display(bytesOf(path));
  }

  /**
   * Whether every character of {@code text} is ASCII.
   *
   * @param text a text
   * @return true if it holds no character above U+007F
   */
  public static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
