package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** my_init from the overlay, as PID 1 of a pid namespace in a Debian root with real runit. */
@Timeout(120)
class MyInitIT {
  private Sandbox sandbox;

  @BeforeAll
  static void needsRoot() {
    Sandbox.assumeRoot();
  }

  @BeforeEach
  void createSandbox() throws Exception {
    sandbox = Sandbox.create();
  }

  @AfterEach
  void removeSandbox() {
    sandbox.close();
  }

  @Test
  void runsOneShotCommandAndExitsWithItsStatus() throws Exception {
    Sandbox.Result result = sandbox.run("/sbin/my_init", "--skip-runit", "--", "/bin/sh", "-c", "echo out; exit 3");

    result.hasStatus(3);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).contains(
        "*** Running /bin/sh -c echo out; exit 3...\n",
        "*** /bin/sh -c echo out; exit 3 exited with status 3.\n",
        "*** Killing all processes...\n");
  }

  @Test
  void bootsRunitAndStopsServicesAtTheEnd() throws Exception {
    sandbox.service("svc", "trap 'echo stopped > /tmp/svc-stopped; exit 0' TERM\necho up > /tmp/svc-up\nwhile :; do sleep 0.05; done");

    Sandbox.Result result = sandbox.run("/sbin/my_init", "--",
        "/bin/sh", "-c", "while [ ! -e /tmp/svc-up ]; do sleep 0.05; done");

    result.hasStatus(0);
    assertThat(result.stderr()).containsPattern("\\*\\*\\* Runit started as PID \\d+\n")
        .contains("*** Shutting down runit daemon (PID ");
    assertThat(sandbox.read("/tmp/svc-stopped")).isEqualTo("stopped\n");
  }
}
