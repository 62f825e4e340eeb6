package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void cutsATimeoutToTheDeadline() {
    Deadline deadline = Deadline.after(Duration.ofSeconds(2));

    assertThat(deadline.cut(HOUR)).isEqualTo(deadline.nanos());
    assertThat(deadline.cut(Duration.ZERO)).isLessThan(deadline.nanos());
    assertThat(deadline.passed()).isFalse();
    assertThat(deadline.remaining()).isBetween(Duration.ZERO, Duration.ofSeconds(2));
  }

  @Test
  void noDeadlineCutsNothingAndNeverPasses() {
    long before = System.nanoTime();

    assertThat(Deadline.NONE.cut(Duration.ofSeconds(5)))
        .isBetween(before + Duration.ofSeconds(5).toNanos(), Long.MAX_VALUE - 1);
    assertThat(Deadline.NONE.cut(Duration.ofSeconds(Long.MAX_VALUE)))
        .as("saturates")
        .isEqualTo(Long.MAX_VALUE);
    assertThat(Deadline.NONE.forKilled(HOUR)).isLessThan(Long.MAX_VALUE);
    assertThat(Deadline.NONE.passed()).isFalse();
  }

  @Test
  void pastTheDeadlineTheKilledGetOnlyTheGrace() {
    Deadline passed = new Deadline(System.nanoTime() - HOUR.toNanos());
    long before = System.nanoTime();

    long end = passed.forKilled(HOUR);

    assertThat(passed.passed()).isTrue();
    assertThat(passed.remaining()).isZero();
    assertThat(end - before)
        .isBetween(0L, Deadline.KILLED_GRACE.toNanos() + Duration.ofSeconds(1).toNanos());
  }
}
