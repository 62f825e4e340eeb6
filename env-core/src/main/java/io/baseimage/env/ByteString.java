package io.baseimage.env;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable string of bytes, as Linux holds environment names and values. Ordered by unsigned
 * byte value, which is the order of the environment directory and of both dumps.
 *
 * <pre>{@code
 * ByteString value = ByteString.of(new byte[] {(byte) 0xff, 'a'});
 * value.isValidUtf8();   // false
 * value.toString();      // "\uFFFDa" - the lossy String view
 * value.toByteArray();   // the exact bytes
 * }</pre>
 */
public final class ByteString implements Comparable<ByteString> {
  private static final ByteString EMPTY = new ByteString(new byte[0]);

  private final byte[] bytes;

  private ByteString(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}. */
  public static ByteString of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new ByteString(bytes.clone());
  }

  /** The UTF-8 encoding of {@code text}. */
  public static ByteString of(String text) {
    return text.isEmpty() ? EMPTY : new ByteString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes ownership of {@code bytes}: the caller must not change them afterwards. */
  static ByteString wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new ByteString(bytes);
  }

  static ByteString copyOf(byte[] bytes, int from, int to) {
    return wrap(Arrays.copyOfRange(bytes, from, to));
  }

  public static ByteString empty() {
    return EMPTY;
  }

  public int length() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  public byte byteAt(int index) {
    return bytes[index];
  }

  public int indexOf(byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Whether these bytes begin with exactly the bytes of {@code prefix}. */
  public boolean startsWith(ByteString prefix) {
    return bytes.length >= prefix.bytes.length
        && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
  }

  /** The exact bytes, as a new array. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The bytes without a copy, for codecs of this package that only read them. */
  byte[] array() {
    return bytes;
  }

  public boolean isValidUtf8() {
    for (byte b : bytes) {
      if (b < 0) {
        try {
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
          return true;
        } catch (CharacterCodingException e) {
          return false;
        }
      }
    }
    return true;
  }

  /** The UTF-8 view: each byte that is not part of valid UTF-8 becomes U+FFFD. */
  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public int compareTo(ByteString other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteString other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
