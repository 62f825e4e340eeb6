package io.baseimage.setuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserSpecTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // spec,              user,        group,  uid,        gid
        "app,                 app,         -,      -,          -",
        "ll-user,             ll-user,     -,      -,          -",
        "svc.daemon$,         svc.daemon$, -,      -,          -",
        "1000,                1000,        -,      1000,       -",
        "0,                   0,           -,      0,          -",
        "007,                 007,         -,      7,          -",
        "4294967294,          4294967294,  -,      4294967294, -",
        "app:staff,           app,         staff,  -,          -",
        "app:50,              app,         50,     -,          50",
        "1000:staff,          1000,        staff,  1000,       -",
        "1000:1000,           1000,        1000,   1000,       1000",
        "0:0,                 0,           0,      0,          0",
        "héllo:grüppe,        héllo,       grüppe, -,          -",
      })
  void parsesEveryForm(String spec, String user, String group, Long uid, Long gid) {
    UserSpec parsed = UserSpec.parse(spec);

    assertThat(parsed.user()).isEqualTo(user);
    assertThat(parsed.group()).isEqualTo(Optional.ofNullable(group));
    assertThat(parsed.uid()).isEqualTo(uid == null ? OptionalLong.empty() : OptionalLong.of(uid));
    assertThat(parsed.gid()).isEqualTo(gid == null ? OptionalLong.empty() : OptionalLong.of(gid));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app             | app",
        "1000:1000       | 1000:1000",
        "app:staff       | app:staff",
        "héllo:grüppe    | héllo:grüppe",
      })
  void roundTripsThroughToString(String spec, String text) {
    assertThat(UserSpec.parse(spec).toString()).isEqualTo(text);
    assertThat(UserSpec.parse(UserSpec.parse(spec).toString())).isEqualTo(UserSpec.parse(spec));
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"\"                 | invalid user spec '': empty",
        "a:b:c                | invalid user spec 'a:b:c': more than one ':'",
        "app::                | invalid user spec 'app::': more than one ':'",
        ":staff               | invalid user spec ':staff': no user before ':'",
        ":                    | invalid user spec ':': no user before ':'",
        "app:                 | invalid user spec 'app:': no group after ':'",
        "-1                   | invalid user '-1': starts with '-'",
        "-x                   | invalid user '-x': starts with '-'",
        "app:-1               | invalid group '-1': starts with '-'",
        "\"my app\"           | invalid user 'my app': contains a space or control character",
        "\"app:my group\"     | invalid group 'my group': contains a space or control character",
        "4294967295           | invalid user '4294967295': uid out of range (0-4294967294)",
        "99999999999999999999 | invalid user '99999999999999999999': uid out of range (0-4294967294)",
        "app:4294967295       | invalid group '4294967295': gid out of range (0-4294967294)",
      })
  void rejectsBadSpecsNamingThem(String spec, String message) {
    assertThatThrownBy(() -> UserSpec.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsControlCharactersShowingThemEscaped() {
    assertThatThrownBy(() -> UserSpec.parse("app\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid user 'app\\x0a': contains a space or control character");
  }

  @Test
  void validatesInTheConstructorToo() {
    assertThatThrownBy(() -> new UserSpec("", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid user: empty");
    assertThatThrownBy(() -> new UserSpec("app", Optional.of("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid group: empty");
    assertThatThrownBy(() -> new UserSpec("a:b", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid user 'a:b': contains ':'");
  }
}
