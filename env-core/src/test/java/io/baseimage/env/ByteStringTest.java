package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteStringTest {
  @Test
  void keepsExactBytesThatAreNotUtf8() {
    byte[] raw = bytes(0xff, 0xfe, 'a');
    ByteString value = ByteString.of(raw);

    assertThat(value.toByteArray()).containsExactly(raw);
    assertThat(value.isValidUtf8()).isFalse();
    assertThat(value.toString()).isEqualTo("\uFFFD\uFFFDa");
  }

  @Test
  void copiesTheArrayItIsGiven() {
    byte[] raw = bytes('a', 'b');
    ByteString value = ByteString.of(raw);
    raw[0] = 'x';

    assertThat(value.toString()).isEqualTo("ab");
    value.toByteArray()[1] = 'y';
    assertThat(value.toString()).isEqualTo("ab");
  }

  @Test
  void encodesStringsAsUtf8() {
    ByteString value = ByteString.of("héllo");

    assertThat(value.toByteArray()).containsExactly(bytes('h', 0xc3, 0xa9, 'l', 'l', 'o'));
    assertThat(value.isValidUtf8()).isTrue();
    assertThat(value.toString()).isEqualTo("héllo");
  }

  @Test
  void treatsEncodedSurrogatesAndOverlongFormsAsInvalidUtf8() {
    assertThat(ByteString.of(bytes(0xed, 0xa0, 0x80)).isValidUtf8()).isFalse();
    assertThat(ByteString.of(bytes(0xc0, 0xaf)).isValidUtf8()).isFalse();
    assertThat(ByteString.of(bytes(0xe2, 0x82)).isValidUtf8()).isFalse();
    assertThat(ByteString.of("\uD83D\uDE00").isValidUtf8()).isTrue();
  }

  @Test
  void ordersByUnsignedBytes() {
    List<ByteString> names =
        new ArrayList<>(
            List.of(
                ByteString.of(bytes(0xff)),
                ByteString.of("b"),
                ByteString.of("a"),
                ByteString.of("B"),
                ByteString.of("é"),
                ByteString.of("_"),
                ByteString.of("ab"),
                ByteString.empty()));
    Collections.sort(names);

    assertThat(names)
        .containsExactly(
            ByteString.empty(),
            ByteString.of("B"),
            ByteString.of("_"),
            ByteString.of("a"),
            ByteString.of("ab"),
            ByteString.of("b"),
            ByteString.of("é"),
            ByteString.of(bytes(0xff)));
  }

  @Test
  void isEqualByContent() {
    assertThat(ByteString.of("abc")).isEqualTo(ByteString.of(bytes('a', 'b', 'c')));
    assertThat(ByteString.of("abc")).hasSameHashCodeAs(ByteString.of(bytes('a', 'b', 'c')));
    assertThat(ByteString.of("abc")).isNotEqualTo(ByteString.of("abd"));
    assertThat(ByteString.of("")).isSameAs(ByteString.empty());
  }

  @Test
  void findsBytes() {
    ByteString value = ByteString.of("a=b");

    assertThat(value.indexOf((byte) '=')).isEqualTo(1);
    assertThat(value.indexOf((byte) 'x')).isEqualTo(-1);
    assertThat(value.byteAt(2)).isEqualTo((byte) 'b');
    assertThat(value.length()).isEqualTo(3);
    assertThat(ByteString.empty().isEmpty()).isTrue();
  }
}
