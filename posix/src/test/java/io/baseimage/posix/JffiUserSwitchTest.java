package io.baseimage.posix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The port of setuser on the real C library and user database; only reads, switches nothing. */
class JffiUserSwitchTest {
  private final UserSwitch users = JffiUserSwitch.load();

  @Test
  void readsRootFromTheUserDatabase() throws ErrnoException {
    PasswdEntry root = users.userByName("root").orElseThrow();

    assertThat(root.uid()).isZero();
    assertThat(root.gid()).isZero();
    assertThat(users.userById(0)).contains(root);
    assertThat(users.groupByName("root").orElseThrow().gid()).isZero();
  }

  @Test
  void anUnknownUserIsEmptyNotAnError() throws ErrnoException {
    assertThat(users.userByName("no-such-user-here")).isEmpty();
    assertThat(users.groupByName("no-such-group-here")).isEmpty();
  }
}
