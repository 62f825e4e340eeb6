package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputTest {
  @Test
  void describesAnErrorInOneLineEvenWhenItsMessageHoldsAStackTrace() {
    // As jffi words a missing native stub: its cause's stack trace inside the message.
    UnsatisfiedLinkError jffi =
        new UnsatisfiedLinkError(
            "java.lang.UnsatisfiedLinkError: could not locate stub library\n\tat com.kenai.jffi.X");

    assertThat(Output.describe(jffi))
        .isEqualTo(
            "java.lang.UnsatisfiedLinkError: java.lang.UnsatisfiedLinkError: could not locate stub library");
    assertThat(Output.describe(new IllegalStateException("plain")))
        .isEqualTo(new IllegalStateException("plain").toString());
    assertThat(Output.describe(new OutOfMemoryError())).isEqualTo("java.lang.OutOfMemoryError");
  }
}
