package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.posix.Signals;
import io.baseimage.testing.FakePosix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalEventsTest {
  @Test
  void queuesEachTakenSignalInOrderAndLeavesOthersPending() throws Exception {
    FakePosix posix = new FakePosix();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    Reaper reaper = Reaper.start(posix, errors::add);
    posix.raise(Signals.SIGTERM);
    posix.raise(Signals.SIGQUIT);
    posix.raise(Signals.SIGHUP);

    SignalEvents.queueTo(reaper, posix, errors::add, Signals.SIGTERM, Signals.SIGHUP);

    assertThat(reaper.next(Long.MAX_VALUE)).contains(new Event.Signaled(Signals.SIGTERM));
    assertThat(reaper.next(Long.MAX_VALUE)).contains(new Event.Signaled(Signals.SIGHUP));
    assertThat(errors).isEmpty();
  }

  @Test
  void aSignalPendingBeforehandIsQueuedBeforeQueueToReturns() throws Exception {
    // my_init looks at its events without waiting just after this call (before its command).
    FakePosix posix = new FakePosix();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    Reaper reaper = Reaper.start(posix, errors::add);
    posix.raise(Signals.SIGTERM);

    SignalEvents.queueTo(reaper, posix, errors::add, Signals.SIGTERM);

    assertThat(reaper.next(System.nanoTime())).contains(new Event.Signaled(Signals.SIGTERM));
    assertThat(errors).isEmpty();
  }
}
