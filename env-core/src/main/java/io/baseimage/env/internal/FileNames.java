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

  private FileNames() {}

  /** The exact bytes of the last element of {@code path}. */
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

  /** The exact bytes of {@code path}, made absolute. */
  public static byte[] bytesOf(Path path) {
    if (path.getFileSystem() != FileSystems.getDefault()) {
      return path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
    }
    String raw = path.toAbsolutePath().toUri().getRawPath();
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
   * {@code bytes} as text for a log line: UTF-8 where they are, each other byte as {@code \xNN}.
   */
  public static String display(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length * 4 + 1);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isUnderflow()) {
        break;
      }
      for (int i = 0; i < result.length(); i++) {
        int b = in.get() & 0xff;
        out.put('\\')
            .put('x')
            .put(Character.forDigit(b >> 4, 16))
            .put(Character.forDigit(b & 0xf, 16));
      }
    }
    return out.flip().toString();
  }

  /** {@code path}'s exact bytes, for a log line (see {@link #display(byte[])}). */
  public static String display(Path path) {
    return display(bytesOf(path));
  }
}
