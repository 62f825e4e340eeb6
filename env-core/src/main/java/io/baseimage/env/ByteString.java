package io.baseimage.env;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

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
 *
 * <p>No argument may be null: each method throws {@link NullPointerException} naming it.
 */
public final class ByteString implements Comparable<ByteString> {
  private static final ByteString EMPTY = new ByteString(new byte[0]);

  private final byte[] bytes;

  private ByteString(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A copy of {@code bytes}.
   *
   * @param bytes the bytes
   * @return a byte string holding them
   */
  public static ByteString of(byte[] bytes) {
    return Objects.requireNonNull(bytes, "bytes").length == 0
        ? EMPTY
        : new ByteString(bytes.clone());
  }

  /**
   * The UTF-8 encoding of {@code text}.
   *
   * @param text the text
   * @return a byte string holding its UTF-8 bytes
   */
  public static ByteString of(String text) {
    return Objects.requireNonNull(text, "text").isEmpty()
        ? EMPTY
        : new ByteString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes ownership of {@code bytes}: the caller must not change them afterwards. */
  static ByteString wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new ByteString(bytes);
  }

  static ByteString copyOf(byte[] bytes, int from, int to) {
    return wrap(Arrays.copyOfRange(bytes, from, to));
  }

  /**
   * The byte string of no bytes.
   *
   * @return the empty byte string
   */
  public static ByteString empty() {
    return EMPTY;
  }

  /**
   * The number of bytes.
   *
   * @return the number of bytes
   */
  public int length() {
    return bytes.length;
  }

  /**
   * Whether there are no bytes.
   *
   * @return true if the length is 0
   */
  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /**
   * One byte.
   *
   * @param index from 0 to {@code length() - 1}
   * @return the byte there
   * @throws IndexOutOfBoundsException if {@code index} is outside that range
   */
  public byte byteAt(int index) {
    return bytes[index];
  }

  /**
   * Where a byte first occurs.
   *
   * @param b the byte to find
   * @return its first index, or -1 if it does not occur
   */
  public int indexOf(byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether these bytes begin with exactly the bytes of {@code prefix}.
   *
   * @param prefix the bytes to look for
   * @return true if this starts with them
   */
  public boolean startsWith(ByteString prefix) {
    return bytes.length >= Objects.requireNonNull(prefix, "prefix").bytes.length
        && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
  }

  /**
   * The exact bytes, as a new array.
   *
   * @return a copy of the bytes
   */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The bytes without a copy, for codecs of this package that only read them. */
  byte[] array() {
    return bytes;
  }

  /**
   * Whether the bytes are valid UTF-8, as {@link #toString()} then carries them exactly.
   *
   * @return true if they are
   */
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

  /**
   * The UTF-8 view: each byte that is not part of valid UTF-8 becomes U+FFFD.
   *
   * @return the bytes as text
   */
  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Compares by unsigned byte value, as {@code LC_ALL=C sort} does.
   *
   * @param other the byte string to compare with
   * @return negative, zero or positive as this sorts before, with or after {@code other}
   */
  @Override
  public int compareTo(ByteString other) {
    return Arrays.compareUnsigned(bytes, Objects.requireNonNull(other, "other").bytes);
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
