package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.startup.internal.posix.Posix;
import io.baseimage.startup.testing.FakePosix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalEventsTest {
  @Test
  void queuesEachTakenSignalInOrderAndLeavesOthersPending() throws Exception {
    FakePosix posix = new FakePosix();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    Supervisor supervisor = Supervisor.start(posix, errors::add);
    posix.raise(Posix.SIGTERM);
    posix.raise(Posix.SIGQUIT);
    posix.raise(Posix.SIGHUP);

    SignalEvents.queueTo(supervisor, posix, errors::add, Posix.SIGTERM, Posix.SIGHUP);

    assertThat(supervisor.next(Long.MAX_VALUE)).contains(new Event.Signaled(Posix.SIGTERM));
    assertThat(supervisor.next(Long.MAX_VALUE)).contains(new Event.Signaled(Posix.SIGHUP));
    assertThat(errors).isEmpty();
  }
}
