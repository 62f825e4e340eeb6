package io.baseimage.env;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * File names as exact bytes. {@link Path#toString()} decodes a name with the JVM's file name
 * encoding ({@code sun.jnu.encoding}), which is US-ASCII when no locale is set, as in most
 * containers: there {@code héllo} would read as {@code h??llo} and be written as {@code h?llo}
 * (SPEC §1.1). The default provider's {@code file:} URIs carry the name's bytes percent-encoded,
 * whatever the locale, so names go through them.
 */
final class FileNames {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private FileNames() {}

  /** The exact bytes of the last element of {@code path}. */
  static ByteString nameOf(Path path) {
    if (path.getFileSystem() != FileSystems.getDefault()) {
      return ByteString.of(path.getFileName().toString());
    }
    // toUri() appends '/' for a directory.
    String raw = path.toAbsolutePath().toUri().getRawPath();
    int end = raw.length();
    while (end > 1 && raw.charAt(end - 1) == '/') {
      end--;
    }
    int start = raw.lastIndexOf('/', end - 1) + 1;
    ByteArrayOutputStream name = new ByteArrayOutputStream(end - start);
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < end) {
        name.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        name.write(c);
      }
    }
    return ByteString.wrap(name.toByteArray());
  }

  /**
   * The file {@code name} in {@code dir}, with exactly the bytes of {@code name}. The caller has
   * checked that {@code name} is a single file name (not empty, {@code .}, {@code ..}, no {@code /}).
   */
  static Path resolve(Path dir, ByteString name) {
    if (dir.getFileSystem() != FileSystems.getDefault()) {
      return dir.resolve(name.toString());
    }
    StringBuilder uri = new StringBuilder(dir.toAbsolutePath().toUri().toString());
    if (uri.charAt(uri.length() - 1) != '/') {
      uri.append('/');
    }
    for (byte b : name.array()) {
      if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
          || b == '-' || b == '_' || b == '.' || b == '~') {
        uri.append((char) b);
      } else {
        uri.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return Path.of(URI.create(uri.toString()));
  }
}
