package io.baseimage.image;

import static io.baseimage.image.Sandbox.environment;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * my_init from the overlay, as PID 1 of a pid namespace in a Debian root with real runit: what
 * docs/user-guide.md says of startup and shutdown scripts and in its "my_init reference". Log lines
 * are asserted exactly where the guide gives them.
 */
@Timeout(60)
@ExtendWith(SandboxExtension.class)
class MyInitIT {
  private static final Duration LIMIT = Duration.ofSeconds(45);
  private static final Duration READY = Duration.ofSeconds(20);

  /** A command that shows it runs, then waits to be signalled. */
  private static final String READY_THEN_WAIT = "touch /tmp/ready; while :; do sleep 0.05; done";

  /**
   * Timeouts so long that a shutdown which waited for one cannot be mistaken for a slow machine: a
   * test that expects none to be waited for asserts it took less than {@link #WIDE_TIMEOUT}.
   */
  private static final Duration WIDE_TIMEOUT = Duration.ofSeconds(30);

  private static final Map<String, String> WIDE_TIMEOUTS =
      environment(
          "KILL_PROCESS_TIMEOUT",
          "30",
          "KILL_ALL_PROCESSES_TIMEOUT",
          "30",
          "MY_INIT_SHUTDOWN_TIMEOUT",
          "90");

  /** What a machine with both cores busy may add to a bound that my_init promises. */
  private static final int SLACK_SECONDS = 3;

  private final Sandbox sandbox;

  MyInitIT(Sandbox sandbox) {
    this.sandbox = sandbox;
  }

  // ---------------------------------------------------------------------------------------------
  // Exit status and command line (docs/user-guide.md, "my_init reference")

  @Test
  void runsOneShotCommandAndExitsWithItsStatus() throws Exception {
    Sandbox.Result result =
        sandbox.run("/sbin/my_init", "--skip-runit", "--", "/bin/sh", "-c", "echo out; exit 3");

    result.hasStatus(3);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr())
        .contains(
            "*** Running /bin/sh -c echo out; exit 3...\n",
            "*** /bin/sh -c echo out; exit 3 exited with status 3.\n",
            "*** Killing all processes...\n");
  }

  @Test
  void commandKilledBySignalExitsWith128PlusTheSignal() throws Exception {
    Sandbox.Result result =
        sandbox.run("/sbin/my_init", "--skip-runit", "--", "/bin/sh", "-c", "kill -KILL $$");

    result.hasStatus(128 + 9);
    assertThat(result.stderr())
        .contains("*** /bin/sh -c kill -KILL $$ was killed by signal SIGKILL.\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nonexistent/command", "no-such-command"})
  void commandNotFoundExits127(String command) throws Exception {
    Sandbox.Result result = sandbox.run("/sbin/my_init", "--skip-runit", "--", command);

    result.hasStatus(127);
    assertThat(result.stderr())
        .contains("*** cannot execute " + command + ": No such file or directory\n")
        .doesNotContain("Exception");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/usr/local/bin/not-executable", "not-executable"})
  void commandNotExecutableExits126(String command) throws Exception {
    sandbox.write(
        "/usr/local/bin/not-executable",
        "#!/bin/sh\necho ran\n".getBytes(StandardCharsets.UTF_8),
        "rw-r--r--");

    Sandbox.Result result = sandbox.run("/sbin/my_init", "--skip-runit", "--", command);

    result.hasStatus(126);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr())
        .contains("*** cannot execute /usr/local/bin/not-executable: Permission denied\n")
        .doesNotContain("Exception");
  }

  @Test
  void withoutCommandExitsWithTheStatusOfRunsvdir() throws Exception {
    // runsvdir exits 111 on SIGHUP (after sending TERM to its runsv processes).
    sandbox.service(
        "hup",
        """
        if [ ! -e /tmp/hupped ]; then touch /tmp/hupped; kill -HUP "$(pidof runsvdir)"; fi
        exec sleep 1000""");

    Sandbox.Result result = sandbox.run("/sbin/my_init");

    result.hasStatus(111);
    assertThat(result.stderr())
        .contains("*** runsvdir exited with status 111.\n", "*** Killing all processes...\n")
        .doesNotContain("Init system aborted");
  }

  @Test
  void unknownOptionIsAUsageError() throws Exception {
    sandbox.script("/etc/my_init.d/10-ran", "touch /tmp/ran");

    Sandbox.Result result = sandbox.run("/sbin/my_init", "--bogus", "--", "/bin/true");

    result.hasStatus(2);
    assertThat(result.stderr())
        .isEqualTo("my_init: unrecognized option '--bogus'\nTry 'my_init --help'.\n");
    assertThat(sandbox.exists("/tmp/ran")).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      KILL_PROCESS_TIMEOUT       | abc | *** invalid KILL_PROCESS_TIMEOUT 'abc': expected a number of seconds, for example 5 or 0.5
      KILL_ALL_PROCESSES_TIMEOUT | -1  | *** invalid KILL_ALL_PROCESSES_TIMEOUT '-1': expected a number of seconds, for example 5 or 0.5
      MY_INIT_SCRIPT_TIMEOUT     | 5s  | *** invalid MY_INIT_SCRIPT_TIMEOUT '5s': expected a number of seconds, for example 5 or 0.5
      MY_INIT_SHUTDOWN_TIMEOUT   | 9,5 | *** invalid MY_INIT_SHUTDOWN_TIMEOUT '9,5': expected a number of seconds, for example 5 or 0.5
      ENV_INIT_DIRECTORY         | ''  | *** invalid ENV_INIT_DIRECTORY '': expected a directory
      MY_INIT_LOG_LEVEL          | verbose | *** invalid MY_INIT_LOG_LEVEL 'verbose': expected error, warn, info or debug
      MY_INIT_WAIT_FOR_SERVICES  | 30s | *** invalid MY_INIT_WAIT_FOR_SERVICES '30s': expected a number of seconds, for example 5 or 0.5
      """)
  void malformedSettingFailsBeforeAnythingRuns(String name, String value, String message)
      throws Exception {
    sandbox.script("/etc/my_init.d/10-ran", "touch /tmp/ran");

    Sandbox.Result result =
        sandbox.run(
            environment(name, value), "/sbin/my_init", "--", "/bin/sh", "-c", "touch /tmp/ran");

    result.hasStatus(1);
    assertThat(result.stderr()).isEqualTo(message + "\n");
    assertThat(sandbox.exists("/tmp/ran")).isFalse();
    assertThat(sandbox.exists("/etc/container_environment.json")).as("no dump written").isFalse();
  }

  @Test
  void debugLogSaysWhatIsSkippedAndEachShutdownStep() throws Exception {
    sandbox.write(
        "/etc/my_init.d/README", "not a script\n".getBytes(StandardCharsets.UTF_8), "rw-r--r--");

    Sandbox.Result result =
        sandbox.run(
            environment("MY_INIT_LOG_LEVEL", "debug"),
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "true");

    result.hasStatus(0);
    assertThat(result.stderr().lines())
        .contains(
            "*** DEBUG: skipping /etc/my_init.d/README: not an executable file",
            "*** DEBUG: skipping HOME in /etc/container_environment and the .sh dump: it describes"
                + " a user, not the container (as phusion)")
        .anySatisfy(line -> assertThat(line).startsWith("*** DEBUG: shutdown: all processes ("));
  }

  @Test
  void errorLogLevelHidesTheInformation() throws Exception {
    Sandbox.Result result =
        sandbox.run(
            environment("MY_INIT_LOG_LEVEL", "error"),
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "true");

    result.hasStatus(0);
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void skipRunitWithoutCommandIsAnError() throws Exception {
    Sandbox.Result result = sandbox.run("/sbin/my_init", "--skip-runit");

    result.hasStatus(1);
    assertThat(result.stderr())
        .isEqualTo("*** When --skip-runit is given, you must also pass a main command.\n");
  }

  @Test
  void helpPrintsUsageAndExitsZero() throws Exception {
    Sandbox.Result result = sandbox.run("/sbin/my_init", "--help");

    result.hasStatus(0);
    assertThat(result.stdout())
        .startsWith("Usage: my_init ")
        .contains(
            "--skip-startup-files",
            "--skip-runit",
            "--no-kill-all-on-exit",
            "--quiet",
            "--status",
            "KILL_PROCESS_TIMEOUT",
            "KILL_ALL_PROCESSES_TIMEOUT",
            "MY_INIT_SHUTDOWN_TIMEOUT",
            "MY_INIT_SCRIPT_TIMEOUT",
            "MY_INIT_LOG_LEVEL",
            "MY_INIT_WAIT_FOR_SERVICES",
            "essential",
            "Exit status");
    assertThat(result.stderr()).isEmpty();
    assertThat(sandbox.exists("/etc/container_environment.json")).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // Startup scripts (docs/user-guide.md, "Startup scripts")

  @Test
  void runsExecutableStartupScriptsInByteOrderThenRcLocal() throws Exception {
    for (String name : List.of("a", "_z", "B", "2-y", "10-x")) {
      sandbox.script("/etc/my_init.d/" + name, "echo " + name + " >> /tmp/order");
    }
    sandbox.write(
        "/etc/my_init.d/05-not-executable",
        "#!/bin/sh\necho 05 >> /tmp/order\n".getBytes(StandardCharsets.UTF_8),
        "rw-r--r--");
    Files.createDirectories(sandbox.path("/etc/my_init.d/07-directory"));
    sandbox.script("/etc/rc.local", "echo rc.local >> /tmp/order");

    Sandbox.Result result = sandbox.run("/sbin/my_init", "--skip-runit", "--", "/bin/true");

    result.hasStatus(0);
    assertThat(sandbox.read("/tmp/order")).isEqualTo("10-x\n2-y\nB\n_z\na\nrc.local\n");
    assertThat(result.stderr())
        .contains(
            """
        *** Running /etc/my_init.d/10-x...
        *** Running /etc/my_init.d/2-y...
        *** Running /etc/my_init.d/B...
        *** Running /etc/my_init.d/_z...
        *** Running /etc/my_init.d/a...
        *** Running /etc/rc.local...
        *** Running /bin/true...
        """)
        .doesNotContain("05-not-executable", "07-directory");
  }

  @Test
  void environmentChangedByAScriptReachesLaterScriptsServicesAndTheCommand() throws Exception {
    String show = "echo \"$FROM_10|${DELETE_ME-unset}|$HOME|$KEEP\"";
    sandbox.script("/etc/my_init.d/05-no-home-file", "rm /etc/container_environment/HOME");
    sandbox.script(
        "/etc/my_init.d/10-change",
        """
        printf one > /etc/container_environment/FROM_10
        rm /etc/container_environment/DELETE_ME""");
    sandbox.script("/etc/my_init.d/20-see", show + " > /tmp/seen-by-script");
    sandbox.service(
        "svc", show + " > /tmp/seen.tmp && mv /tmp/seen.tmp /tmp/seen-by-service\nexec sleep 1000");

    Sandbox.Result result =
        sandbox.run(
            environment("DELETE_ME", "x", "KEEP", "k"),
            "/sbin/my_init",
            "--",
            "/bin/sh",
            "-c",
            "while [ ! -e /tmp/seen-by-service ]; do sleep 0.05; done; " + show);

    result.hasStatus(0);
    assertThat(sandbox.read("/tmp/seen-by-script")).isEqualTo("one|unset|/root|k\n");
    assertThat(sandbox.read("/tmp/seen-by-service")).isEqualTo("one|unset|/root|k\n");
    assertThat(result.stdout()).isEqualTo("one|unset|/root|k\n");
    assertThat(sandbox.read("/etc/container_environment.sh"))
        .contains("export FROM_10=one\n")
        .doesNotContain("DELETE_ME");
    assertThat(sandbox.read("/etc/container_environment.json"))
        .contains("\"FROM_10\":\"one\"", "\"HOME\":\"/root\"")
        .doesNotContain("DELETE_ME");
  }

  @Test
  void failingStartupScriptStopsTheBoot() throws Exception {
    sandbox.script("/etc/my_init.d/10-ok", "touch /tmp/ran-10");
    sandbox.script("/etc/my_init.d/20-fail", "exit 3");
    sandbox.script("/etc/my_init.d/30-later", "touch /tmp/ran-30");
    sandbox.script("/etc/rc.local", "touch /tmp/ran-rc-local");
    sandbox.service("svc", "touch /tmp/service-ran; exec sleep 1000");

    Sandbox.Result result =
        sandbox.run("/sbin/my_init", "--", "/bin/sh", "-c", "touch /tmp/command-ran");

    result.hasStatus(1);
    assertThat(result.stderr())
        .contains(
            "*** /etc/my_init.d/20-fail failed with status 3.\n*** Killing all processes...\n")
        .doesNotContain("Booting runit", "30-later", "Running /bin/sh");
    assertThat(sandbox.exists("/tmp/ran-10")).isTrue();
    assertThat(List.of("/tmp/ran-30", "/tmp/ran-rc-local", "/tmp/service-ran", "/tmp/command-ran"))
        .noneMatch(sandbox::exists);
  }

  @Test
  void startupScriptKilledByASignalStopsTheBoot() throws Exception {
    sandbox.script("/etc/my_init.d/10-killed", "kill -TERM $$");
    sandbox.script("/etc/my_init.d/20-later", "touch /tmp/ran-20");

    Sandbox.Result result = sandbox.run("/sbin/my_init", "--skip-runit", "--", "/bin/true");

    result.hasStatus(1);
    assertThat(result.stderr())
        .contains("*** /etc/my_init.d/10-killed was killed by signal SIGTERM.\n")
        .doesNotContain("Running /bin/true");
    assertThat(sandbox.exists("/tmp/ran-20")).isFalse();
  }

  @Test
  void scriptTimeoutStopsALongStartupScript() throws Exception {
    sandbox.script("/etc/my_init.d/10-long", "trap '' TERM\nsleep 1000");
    sandbox.script("/etc/my_init.d/20-later", "touch /tmp/ran-20");

    long start = System.nanoTime();
    Sandbox.Result result =
        sandbox.run(
            environment(
                "MY_INIT_SCRIPT_TIMEOUT",
                "1",
                "KILL_PROCESS_TIMEOUT",
                "1",
                "KILL_ALL_PROCESSES_TIMEOUT",
                "1"),
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/true");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    result.hasStatus(1);
    assertThat(result.stderr())
        .contains(
            "*** /etc/my_init.d/10-long did not finish within MY_INIT_SCRIPT_TIMEOUT (1 s) and was stopped.\n")
        .doesNotContain("Running /bin/true");
    assertThat(sandbox.exists("/tmp/ran-20")).isFalse();
    // 1 s limit, 1 s from TERM to KILL, 1 s for the sleep that ignores TERM too, plus start-up.
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown scripts (docs/user-guide.md, "Shutdown scripts"; "my_init reference", Shutdown)

  @Test
  void shutdownScriptsRunInOrderAroundTheServiceStop() throws Exception {
    sandbox.service(
        "svc",
        """
        trap 'echo service-stopped >> /tmp/log; exit 0' TERM
        echo $$ > /tmp/svc-pid
        touch /tmp/svc-up
        while :; do sleep 0.05; done""");
    String serviceState =
        "kill -0 $(cat /tmp/svc-pid) 2>/dev/null && echo service-running >> /tmp/log"
            + " || echo service-gone >> /tmp/log";
    sandbox.script("/etc/my_init.pre_shutdown.d/10-a", "echo pre-a >> /tmp/log\n" + serviceState);
    sandbox.script("/etc/my_init.pre_shutdown.d/20-b", "echo pre-b >> /tmp/log");
    sandbox.script("/etc/my_init.post_shutdown.d/10-c", "echo post-c >> /tmp/log\n" + serviceState);
    sandbox.script("/etc/my_init.post_shutdown.d/20-d", "echo post-d >> /tmp/log");

    Sandbox.Result result =
        sandbox.run(
            "/sbin/my_init",
            "--",
            "/bin/sh",
            "-c",
            "while [ ! -e /tmp/svc-up ]; do sleep 0.05; done");

    result.hasStatus(0);
    assertThat(sandbox.read("/tmp/log"))
        .isEqualTo(
            """
        pre-a
        service-running
        pre-b
        service-stopped
        post-c
        service-gone
        post-d
        """);
    assertThat(result.stderr())
        .containsSubsequence(
            "*** Running /etc/my_init.pre_shutdown.d/10-a...\n",
            "*** Running /etc/my_init.pre_shutdown.d/20-b...\n",
            "*** Shutting down runit daemon (PID ",
            "*** Running /etc/my_init.post_shutdown.d/10-c...\n",
            "*** Running /etc/my_init.post_shutdown.d/20-d...\n",
            "*** Killing all processes...\n");
  }

  @Test
  void failingOrHangingShutdownScriptsDoNotStopTheShutdown() throws Exception {
    sandbox.script("/etc/my_init.pre_shutdown.d/10-fail", "exit 4");
    sandbox.script("/etc/my_init.pre_shutdown.d/20-hang", "trap '' TERM\nsleep 1000");
    sandbox.script("/etc/my_init.pre_shutdown.d/30-after", "touch /tmp/pre-30");
    sandbox.script("/etc/my_init.post_shutdown.d/10-killed", "kill -KILL $$");
    sandbox.script("/etc/my_init.post_shutdown.d/20-after", "touch /tmp/post-20");

    long start = System.nanoTime();
    Sandbox.Result result =
        sandbox.run(
            environment("KILL_PROCESS_TIMEOUT", "1", "KILL_ALL_PROCESSES_TIMEOUT", "1"),
            "/sbin/my_init",
            "--",
            "/bin/sh",
            "-c",
            "exit 6");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    result.hasStatus(6);
    assertThat(sandbox.exists("/tmp/pre-30")).isTrue();
    assertThat(sandbox.exists("/tmp/post-20")).isTrue();
    assertThat(result.stderr())
        .contains(
            "*** WARNING: /etc/my_init.pre_shutdown.d/10-fail failed with status 4.\n",
            "*** WARNING: /etc/my_init.pre_shutdown.d/20-hang did not finish within 1 s and was stopped.\n",
            "*** WARNING: /etc/my_init.post_shutdown.d/10-killed was killed by signal SIGKILL.\n",
            "*** Killing all processes...\n");
    assertThat(took).isLessThan(Duration.ofSeconds(12));
  }

  // ---------------------------------------------------------------------------------------------
  // Signals (docs/user-guide.md, "my_init reference", Signals)

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void shutdownSignalDuringAStartupScriptAbortsTheBoot(String signal) throws Exception {
    sandbox.script("/etc/my_init.d/10-wait", "touch /tmp/ready\nsleep 1000");
    sandbox.script("/etc/my_init.d/20-later", "touch /tmp/ran-20");
    sandbox.service("svc", "touch /tmp/service-ran; exec sleep 1000");

    Sandbox.Run run = sandbox.start("/sbin/my_init", "--", "/bin/true");
    sandbox.awaitFile(run, "/tmp/ready", READY);
    run.signal(signal);
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(2);
    assertThat(result.stderr())
        .contains("*** Init system aborted.\n*** Killing all processes...\n")
        .doesNotContain("Booting runit", "Running /bin/true");
    assertThat(sandbox.exists("/tmp/ran-20")).isFalse();
    assertThat(sandbox.exists("/tmp/service-ran")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void shutdownSignalStopsTheCommandWithSigterm(String signal) throws Exception {
    Sandbox.Run run =
        sandbox.start(
            WIDE_TIMEOUTS,
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            "trap 'echo got-term > /tmp/got; exit 0' TERM; " + READY_THEN_WAIT);
    sandbox.awaitFile(run, "/tmp/ready", READY);
    run.signal(signal);
    long signalled = System.nanoTime();
    Sandbox.Result result = run.await(LIMIT);
    Duration took = Duration.ofNanos(System.nanoTime() - signalled);

    result.hasStatus(2);
    assertThat(sandbox.read("/tmp/got")).isEqualTo("got-term\n");
    assertThat(result.stderr())
        .contains("*** Init system aborted.\n*** Killing all processes...\n");
    assertThat(took).as("no timeout was waited for").isLessThan(WIDE_TIMEOUT);
  }

  @Test
  void aSigtermPendingAtTheStartAbortsTheBootBeforeTheCommand() throws Exception {
    // A SIGTERM that came before the JVM ran (docker stop right after docker start): it stays
    // pending, blocked, until my_init takes it, which must be before it looks for one ahead of the
    // command. The signal thread starts only after the environment import.
    // Perl: Debian's perl-base is essential, so every Debian root has it; exec keeps the pending
    // signal and the mask.
    String pendingTerm =
        "use POSIX; sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGTERM)); kill 'TERM', $$; exec @ARGV";
    for (int run = 0; run < 10; run++) {
      Sandbox.Result result =
          sandbox.run(
              "/usr/bin/perl",
              "-e",
              pendingTerm,
              "/sbin/my_init",
              "--skip-runit",
              "--",
              "/bin/sh",
              "-c",
              "echo COMMAND-RAN");

      result.hasStatus(2);
      assertThat(result.stdout()).doesNotContain("COMMAND-RAN");
      assertThat(result.stderr()).contains("*** Init system aborted.");
    }
  }

  @Test
  void commandThatIgnoresSigtermIsKilledAfterKillProcessTimeout() throws Exception {
    Sandbox.Run run =
        sandbox.start(
            environment("KILL_PROCESS_TIMEOUT", "2", "KILL_ALL_PROCESSES_TIMEOUT", "1"),
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            "trap '' TERM; " + READY_THEN_WAIT);
    sandbox.awaitFile(run, "/tmp/ready", READY);
    Sandbox.Stop stop = run.stop("TERM", LIMIT);
    Sandbox.Result result = stop.result();

    result.hasStatus(2);
    assertThat(result.stderr()).contains("*** Init system aborted.\n");
    // SIGKILL comes KILL_PROCESS_TIMEOUT (2 s) after SIGTERM; the kill-all then finds nothing left.
    assertThat(stop.atLeast()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(stop.atMost()).isLessThan(Duration.ofSeconds(2 + 1 + SLACK_SECONDS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void shutdownSignalWithServicesUpStopsThemAndExits2(String signal) throws Exception {
    sandbox.service(
        "svc1",
        "trap 'echo stopped > /tmp/svc1-stopped; exit 0' TERM\ntouch /tmp/svc1-up\nwhile :; do sleep 0.05; done");
    sandbox.service(
        "svc2",
        "trap 'echo stopped > /tmp/svc2-stopped; exit 0' TERM\ntouch /tmp/svc2-up\nwhile :; do sleep 0.05; done");

    Sandbox.Run run = sandbox.start(WIDE_TIMEOUTS, "/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/svc1-up", READY);
    sandbox.awaitFile(run, "/tmp/svc2-up", READY);
    run.signal(signal);
    long signalled = System.nanoTime();
    Sandbox.Result result = run.await(LIMIT);
    Duration took = Duration.ofNanos(System.nanoTime() - signalled);

    result.hasStatus(2);
    assertThat(sandbox.read("/tmp/svc1-stopped")).isEqualTo("stopped\n");
    assertThat(sandbox.read("/tmp/svc2-stopped")).isEqualTo("stopped\n");
    assertThat(result.stderr())
        .containsPattern("\\*\\*\\* Shutting down runit daemon \\(PID \\d+\\)\\.\\.\\.\n")
        .contains("*** Init system aborted.\n*** Killing all processes...\n")
        .doesNotContain("WARNING", "Forcing them to exit");
    // Services that stop at once: no timeout is waited for.
    assertThat(took).as("no timeout was waited for").isLessThan(WIDE_TIMEOUT);
  }

  @Test
  void serviceThatIgnoresSigtermDelaysTheShutdownOnlyByKillProcessTimeout() throws Exception {
    sandbox.service("stubborn", "trap '' TERM\ntouch /tmp/svc-up\nexec sleep 1000");

    Sandbox.Run run =
        sandbox.start(
            environment("KILL_PROCESS_TIMEOUT", "4", "KILL_ALL_PROCESSES_TIMEOUT", "4"),
            "/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/svc-up", READY);
    Sandbox.Stop stop = run.stop("TERM", LIMIT);
    Sandbox.Result result = stop.result();

    result.hasStatus(2);
    assertThat(result.stderr())
        .contains(
            "*** WARNING: /etc/service/stubborn did not stop within 4000 ms of SIGTERM; killing it\n",
            "*** Init system aborted.\n");
    System.out.println(
        "service ignoring TERM, KILL_PROCESS_TIMEOUT=4: SIGTERM to exit took "
            + stop.atMost().toMillis()
            + " ms");
    // One timeout of 4 s, not two (8 s): the slack stays well below the second one.
    assertThat(stop.atLeast()).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(stop.atMost()).isLessThan(Duration.ofSeconds(4 + SLACK_SECONDS));
  }

  @Test
  void theShutdownDeadlineBoundsEveryStepAndMyInitExitsWithItsOwnStatus() throws Exception {
    // A service and an orphan of it that both ignore SIGTERM: without the deadline, 30 s + 30 s.
    sandbox.service(
        "stubborn",
        "trap '' TERM\nsetsid sh -c \"trap '' TERM; exec sleep 1000\" &\n"
            + "touch /tmp/svc-up\nexec sleep 1000");
    sandbox.script("/etc/my_init.post_shutdown.d/10-post", "touch /tmp/post-ran");
    Sandbox.Run run =
        sandbox.start(
            environment(
                "KILL_PROCESS_TIMEOUT",
                "30",
                "KILL_ALL_PROCESSES_TIMEOUT",
                "30",
                "MY_INIT_SHUTDOWN_TIMEOUT",
                "3"),
            "/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/svc-up", READY);
    Sandbox.Stop stop = run.stop("TERM", LIMIT);
    Sandbox.Result result = stop.result();

    result.hasStatus(2);
    assertThat(result.stderr())
        .contains(
            "*** WARNING: MY_INIT_SHUTDOWN_TIMEOUT (3 s) has passed: what was still running was killed.\n",
            "*** Init system aborted.\n",
            "*** Not all processes have exited in time. Forcing them to exit.\n");
    assertThat(sandbox.exists("/tmp/post-ran")).as("no script starts after the deadline").isFalse();
    assertThat(stop.atLeast()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    assertThat(stop.atMost()).isLessThan(Duration.ofSeconds(3 + SLACK_SECONDS));
  }

  // ---------------------------------------------------------------------------------------------
  // Essential services and waiting for services (docs/user-guide.md, "Essential services")

  /** A service that exits 7 on SIGTERM, as a server that fails on its own would. */
  private static final String EXITS_7_ON_TERM =
      "trap 'exit 7' TERM\ntouch /tmp/web-up\nwhile :; do sleep 0.05; done";

  private static final String HOLDS_ESSENTIAL =
      "\\*\\*\\* DEBUG: watching essential service web \\(pid (\\d+)\\)";

  @Test
  void anEssentialServiceThatExitsEndsTheContainerWithItsExitStatus() throws Exception {
    sandbox.service("web", EXITS_7_ON_TERM).write("/etc/service/web/essential", "");
    Sandbox.Run run =
        sandbox.start(
            environment("MY_INIT_LOG_LEVEL", "debug"),
            "/sbin/my_init",
            "--",
            "sh",
            "-c",
            READY_THEN_WAIT);
    long pid = Long.parseLong(run.awaitStderr(HOLDS_ESSENTIAL, READY));
    sandbox.awaitFile(run, "/tmp/ready", READY);
    // Not the container's doing: the service ends by itself (here, told by someone else).
    run.signal("TERM", run.hostPid(pid));
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(7);
    assertThat(result.stderr())
        .contains(
            "*** Essential service web ended (exited with status 7); shutting down.\n",
            "*** Shutting down runit daemon",
            "*** Killing all processes...\n")
        .doesNotContain("Init system aborted", "WARNING");
  }

  @Test
  void anEssentialServiceKilledBySignalEndsTheContainerWith128PlusTheSignal() throws Exception {
    sandbox.service("web", EXITS_7_ON_TERM).write("/etc/service/web/essential", "");
    sandbox.service("side", "exec sleep 1000");
    Sandbox.Run run = sandbox.start(environment("MY_INIT_LOG_LEVEL", "debug"), "/sbin/my_init");
    long pid = Long.parseLong(run.awaitStderr(HOLDS_ESSENTIAL, READY));
    run.signal("KILL", run.hostPid(pid));
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(128 + 9);
    assertThat(result.stderr())
        .contains(
            "*** Essential service web ended (was killed by signal SIGKILL); shutting down.\n");
  }

  @Test
  void aCrashLoopingEssentialServiceEndsTheContainerAtItsFirstExit() throws Exception {
    sandbox
        .service("web", "echo start >> /tmp/web-starts\nexit 3")
        .write("/etc/service/web/essential", "");
    Sandbox.Result result = sandbox.start("/sbin/my_init").await(LIMIT);

    // Its status is 3 or, if the run was over before my_init could hold it, 1 (the guide says so).
    assertThat(result.status()).as(result.stderr()).isIn(3, 1);
    assertThat(sandbox.read("/tmp/web-starts")).isEqualTo("start\n");
    assertThat(result.stderr())
        .containsPattern(
            "\\*\\*\\* Essential service web ended \\((exited with status 3|exit status unknown)\\); shutting down.");
  }

  /** Without pidfds (a seccomp profile older than them) the end is seen; its status is not. */
  @Test
  void withoutPidfdsAnEssentialServiceEndsTheContainerWithStatusOne() throws Exception {
    Path helper = sandbox.path("/usr/local/bin/without-inotify");
    Files.createDirectories(helper.getParent());
    Sandbox.sh(
        "gcc -static -O -o '" + helper + "' src/test/c/without-inotify.c", Duration.ofMinutes(1));
    sandbox.service("web", EXITS_7_ON_TERM).write("/etc/service/web/essential", "");
    Sandbox.Run run =
        sandbox.start(
            environment("MY_INIT_LOG_LEVEL", "debug"),
            "/usr/local/bin/without-inotify",
            "/sbin/my_init");
    long pid =
        Long.parseLong(
            run.awaitStderr(
                "\\*\\*\\* DEBUG: watching essential service web \\(pid (\\d+)\\) without its exit"
                    + " status: .*ENOSYS.*",
                READY));
    run.signal("TERM", run.hostPid(pid));
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(1);
    assertThat(result.stderr())
        .contains("*** Essential service web ended (exit status unknown); shutting down.\n");
  }

  @Test
  void theCommandWaitsForServicesAndTheirCheckScripts() throws Exception {
    sandbox.service("web", "exec sleep 1000");
    sandbox.service("db", "sleep 0.5\ntouch /tmp/db-ready\nexec sleep 1000");
    sandbox.script("/etc/service/db/check", "test -e /tmp/db-ready");
    sandbox.service("batch", "exec sleep 1000").write("/etc/service/batch/down", "");

    Sandbox.Result result =
        sandbox.run(
            environment("MY_INIT_WAIT_FOR_SERVICES", "30"),
            "/sbin/my_init",
            "--",
            "sh",
            "-c",
            "cat /tmp/db-ready && echo started");

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("started\n");
    assertThat(result.stderr())
        .containsPattern("\\*\\*\\* Services ready after \\d+ ms\n\\*\\*\\* Running sh -c ");
  }

  @Test
  void servicesNeverReadyFailTheBootNamingThem() throws Exception {
    // Not a service that comes up in time: runsvdir starts a service directory changed within
    // the last second a second late, so whether it is up within 1 s depends on the clock.
    sandbox.service("batch", "exec sleep 1000").write("/etc/service/batch/down", "");
    sandbox.service("db", "exec sleep 1000");
    sandbox.script("/etc/service/db/check", "exit 1");

    Sandbox.Result result =
        sandbox.run(
            environment("MY_INIT_WAIT_FOR_SERVICES", "1"),
            "/sbin/my_init",
            "--",
            "sh",
            "-c",
            "touch /tmp/command-ran");

    result.hasStatus(1);
    assertThat(result.stderr())
        .contains(
            "*** Services not ready within MY_INIT_WAIT_FOR_SERVICES (1 s): db; the command is not"
                + " started.\n");
    assertThat(sandbox.exists("/tmp/command-ran")).isFalse();
  }

  @Test
  void aCrashLoopingServiceStopsWithTheOthers() throws Exception {
    sandbox.service("crash", "echo start >> /tmp/crash-starts\nexit 1");
    sandbox.service(
        "svc",
        "trap 'echo stopped > /tmp/svc-stopped; exit 0' TERM\ntouch /tmp/svc-up\n"
            + "while :; do sleep 0.05; done");
    Sandbox.Run run = sandbox.start(WIDE_TIMEOUTS, "/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/svc-up", READY);
    sandbox.awaitFile(run, "/tmp/crash-starts", READY);
    run.signal("TERM");
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(2);
    assertThat(sandbox.read("/tmp/svc-stopped")).isEqualTo("stopped\n");
    assertThat(result.stderr()).doesNotContain("WARNING", "Forcing them to exit", "runsv");
  }

  /**
   * Where the kernel offers neither inotify nor pidfds (a seccomp profile older than them), the
   * services are still waited for: a post-shutdown script finds the slow service stopped.
   */
  @Test
  void servicesAreVerifiedDownWithoutInotifyOrPidfds() throws Exception {
    Path helper = sandbox.path("/usr/local/bin/without-inotify");
    Files.createDirectories(helper.getParent());
    Sandbox.sh(
        "gcc -static -O -o '" + helper + "' src/test/c/without-inotify.c", Duration.ofMinutes(1));
    sandbox.service(
        "slow",
        "trap 'sleep 0.5; touch /tmp/slow-stopped; exit 0' TERM\ntouch /tmp/svc-up\n"
            + "while :; do sleep 0.05; done");
    sandbox.script(
        "/etc/my_init.post_shutdown.d/10-check",
        "if [ -e /tmp/slow-stopped ]; then echo stopped; else echo still-up; fi > /tmp/at-post");

    Sandbox.Run run =
        sandbox.start(WIDE_TIMEOUTS, "/usr/local/bin/without-inotify", "/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/svc-up", READY);
    run.signal("TERM");
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(2);
    assertThat(sandbox.read("/tmp/at-post")).isEqualTo("stopped\n");
    assertThat(result.stderr()).doesNotContain("WARNING");
  }

  @Test
  void secondSigtermDuringShutdownChangesNothing() throws Exception {
    sandbox.service(
        "svc",
        "trap 'echo stopped > /tmp/svc-stopped; exit 0' TERM\ntouch /tmp/svc-up\nwhile :; do sleep 0.05; done");
    sandbox.script(
        "/etc/my_init.pre_shutdown.d/10-slow",
        "touch /tmp/in-shutdown\nsleep 1\necho done > /tmp/pre-done");
    sandbox.script("/etc/my_init.post_shutdown.d/10-post", "touch /tmp/post-ran");

    Sandbox.Run run = sandbox.start("/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/svc-up", READY);
    run.signal("TERM");
    sandbox.awaitFile(run, "/tmp/in-shutdown", READY);
    run.signal("TERM");
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(2);
    assertThat(sandbox.read("/tmp/pre-done")).isEqualTo("done\n");
    assertThat(sandbox.read("/tmp/svc-stopped")).isEqualTo("stopped\n");
    assertThat(sandbox.exists("/tmp/post-ran")).isTrue();
    assertThat(count(result.stderr(), "*** Init system aborted.\n")).isOne();
    assertThat(count(result.stderr(), "*** Shutting down runit daemon")).isOne();
    assertThat(count(result.stderr(), "*** Running /etc/my_init.pre_shutdown.d/10-slow...\n"))
        .isOne();
  }

  @Test
  void forwardsHupUsr1Usr2AndWinchToTheCommand() throws Exception {
    Sandbox.Run run =
        sandbox.start(
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            """
        for s in HUP USR1 USR2 WINCH; do trap "echo $s >> /tmp/signals" $s; done
        touch /tmp/ready
        while [ "$(cat /tmp/signals 2>/dev/null | wc -l)" -lt 4 ]; do sleep 0.05; done""");
    sandbox.awaitFile(run, "/tmp/ready", READY);
    for (String signal : List.of("HUP", "USR1", "USR2", "WINCH")) {
      run.signal(signal);
    }
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(0);
    assertThat(sandbox.read("/tmp/signals").lines().sorted())
        .containsExactly("HUP", "USR1", "USR2", "WINCH");
    assertThat(result.stderr()).doesNotContain("aborted");
  }

  /**
   * {@code docker run -it IMAGE} without a command, then Ctrl-C (docs/user-guide.md, Signals). The
   * terminal signals its whole foreground process group; runsvdir is not in it, so my_init alone
   * gets the SIGINT and stops the services in order.
   */
  @Test
  void ctrlCOnTheTerminalWithoutACommandIsAnOrderlyShutdown() throws Exception {
    sandbox.service(
        "svc",
        "trap 'echo stopped > /tmp/svc-stopped; exit 0' TERM\ntouch /tmp/svc-up\n"
            + "while :; do sleep 0.05; done");

    Sandbox.Result result =
        sandbox.startOnTerminalThenCtrlC("/tmp/svc-up", "/sbin/my_init").await(LIMIT);

    result.hasStatus(2);
    assertThat(sandbox.read("/tmp/svc-stopped")).isEqualTo("stopped\n");
    assertThat(result.stdout())
        .containsSubsequence(
            "*** Shutting down runit daemon (PID ",
            "*** Init system aborted.\r\n",
            "*** Killing all processes...\r\n")
        .doesNotContain("runsvdir was killed", "WARNING");
  }

  /**
   * With a terminal the command owns it while it runs; afterwards my_init takes it back, so that a
   * shutdown script may use it (in the background, changing its settings would stop the script with
   * SIGTTOU until the script timeout killed it).
   */
  @Test
  void theTerminalIsHandedBackOnceTheCommandHasEnded() throws Exception {
    sandbox.script(
        "/etc/my_init.pre_shutdown.d/10-terminal",
        "stty -echo && stty echo && touch /tmp/stty-done");

    // setsid -c: my_init leads its session and the terminal is its own, as docker run -it makes it.
    Sandbox.Result result =
        sandbox
            .startOnTerminal("/usr/bin/setsid", "-c", "/sbin/my_init", "--", "/bin/true")
            .await(LIMIT);

    result.hasStatus(0);
    assertThat(sandbox.exists("/tmp/stty-done")).as(result.stdout()).isTrue();
    assertThat(result.stdout()).doesNotContain("WARNING");
  }

  /**
   * A parent that ignored SIGCHLD (the kernel would reap behind our back) and SIGTERM, and blocked
   * SIGUSR1: my_init still sees its command end, handles TERM and forwards USR1
   * (docs/architecture.md, "The launchers").
   */
  @ParameterizedTest
  @CsvSource({"USR1, 7", "TERM, 2"})
  void inheritedIgnoredAndBlockedSignalsAreReset(String signal, int status) throws Exception {
    Sandbox.Run run =
        sandbox.start(
            "/usr/bin/env",
            "--ignore-signal=CHLD",
            "--ignore-signal=TERM",
            "--ignore-signal=HUP",
            "--block-signal=USR1",
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            "trap 'exit 7' USR1; trap 'exit 0' TERM; " + READY_THEN_WAIT);
    sandbox.awaitFile(run, "/tmp/ready", READY);
    run.signal(signal);
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(status);
    assertThat(result.stderr()).doesNotContain("WARNING", "ERROR");
  }

  /**
   * A SIGTERM sent while the JVM is still starting (before any Java code could handle it) is
   * neither lost nor fatal: it ends in the orderly shutdown (docs/user-guide.md, Signals). It is
   * sent as soon as PID 1 is the JVM, ~40 ms before main runs; should it come later, the outcome
   * must be the same.
   */
  @Test
  void sigtermWhileTheJvmStartsEndsInAnOrderlyShutdown() throws Exception {
    Sandbox.Run run =
        sandbox.start(
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            "trap 'exit 0' TERM; " + READY_THEN_WAIT);
    run.signal("TERM", run.awaitJvmStarting());
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(2);
    assertThat(result.stderr())
        .contains("*** Init system aborted.\n*** Killing all processes...\n");
  }

  /** A SIGQUIT never prints a thread dump, however early it comes (docs/user-guide.md, Signals). */
  @Test
  void sigquitWhileTheJvmStartsPrintsNoThreadDump() throws Exception {
    Sandbox.Run run =
        sandbox.start("/sbin/my_init", "--skip-runit", "--", "/bin/sh", "-c", "exit 5");
    run.signal("QUIT", run.awaitJvmStarting());
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(5);
    assertThat(result.stdout() + result.stderr()).doesNotContain("Full thread dump", "\tat ");
  }

  /**
   * HotSpot suspends threads with SIGUSR2 unless told otherwise: a USR2 must still reach the
   * command, also as the very first signal (the test of all four sends HUP first).
   */
  @Test
  void usr2AloneIsForwardedToTheCommand() throws Exception {
    Sandbox.Run run =
        sandbox.start(
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            "trap 'exit 7' USR2; " + READY_THEN_WAIT);
    sandbox.awaitFile(run, "/tmp/ready", READY);
    run.signal("USR2");

    run.await(LIMIT).hasStatus(7);
  }

  /** A container's own _JAVA_SR_SIGNUM (here TERM) is its applications', not our JVM's. */
  @Test
  void theContainersJavaSuspendSignalIsNotOurs() throws Exception {
    Sandbox.Run run =
        sandbox.start(
            environment("_JAVA_SR_SIGNUM", "15"),
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            "echo \"$_JAVA_SR_SIGNUM\" > /tmp/seen; trap 'exit 0' TERM; " + READY_THEN_WAIT);
    sandbox.awaitFile(run, "/tmp/ready", READY);
    run.signal("TERM");
    Sandbox.Result result = run.await(LIMIT);

    result.hasStatus(2);
    assertThat(result.stderr()).contains("*** Init system aborted.\n");
    assertThat(sandbox.read("/tmp/seen")).isEqualTo("15\n");
  }

  @Test
  void sigquitIsIgnoredWithoutAThreadDump() throws Exception {
    Sandbox.Run run =
        sandbox.start(
            "/sbin/my_init", "--", "/bin/sh", "-c", "trap 'exit 5' USR1; " + READY_THEN_WAIT);
    sandbox.awaitFile(run, "/tmp/ready", READY);
    run.signal("QUIT");
    run.signal("QUIT");
    // Forwarded only by a my_init that outlived both.
    run.signal("USR1");
    Sandbox.Result result = run.await(LIMIT);

    // The command's own status: my_init outlived both signals and went on as usual.
    result.hasStatus(5);
    assertThat(result.stdout()).doesNotContain("Full thread dump");
    assertThat(result.stderr())
        .doesNotContain("Full thread dump", "aborted")
        .contains("exited with status 5.\n*** Shutting down runit daemon");
  }

  // ---------------------------------------------------------------------------------------------
  // Children and reaping (docs/user-guide.md, "my_init reference"; docs/architecture.md, "The
  // process layer")

  /**
   * Looked at from outside, on a program that changes nothing about itself: a shell would change
   * its own mask around each fork (dash blocks every signal while it vforks), and a probe run from
   * it would see that, or the pipe of a {@code $(...)}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"startup script", "command"})
  void childrenStartWithEmptySignalMaskDefaultHandlersAndOnlyStandardFds(String child)
      throws Exception {
    Sandbox.Run run;
    if (child.equals("command")) {
      run = sandbox.start("/sbin/my_init", "--skip-runit", "--", "/bin/sleep", "1001");
    } else {
      sandbox.script("/etc/my_init.d/10-probe", "exec /bin/sleep 1001");
      run = sandbox.start("/sbin/my_init", "--skip-runit", "--", "/bin/true");
    }
    ProcessHandle sleep = awaitDescendant(run, "1001");
    String status = Files.readString(Path.of("/proc/" + sleep.pid() + "/status"));
    List<String> fds;
    try (var entries = Files.list(Path.of("/proc/" + sleep.pid() + "/fd"))) {
      fds = entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
    sleep.destroy();
    run.await(LIMIT);

    assertThat(status).contains("SigBlk:\t0000000000000000\n", "SigIgn:\t0000000000000000\n");
    assertThat(fds).containsExactly("0", "1", "2");
  }

  private static ProcessHandle awaitDescendant(Sandbox.Run run, String argument)
      throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      var found =
          run.process()
              .descendants()
              .filter(
                  p -> p.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false))
              .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no process with argument " + argument);
  }

  @Test
  @Timeout(240)
  void tenThousandOrphansLeaveNoZombie() throws Exception {
    Sandbox.Result result =
        sandbox
            .start(
                "/sbin/my_init",
                "--skip-runit",
                "--",
                "/bin/sh",
                "-c",
                """
        i=0
        while [ $i -lt 10000 ]; do (: &); i=$((i+1)); done
        n=0
        while :; do
          z=$(cat /proc/[0-9]*/stat 2>/dev/null | sed -n 's/^.*) \\(.\\).*/\\1/p' | grep -c Z)
          [ "$z" -eq 0 ] || [ $n -ge 1200 ] && break
          n=$((n+1)); sleep 0.05
        done
        echo "zombies: $z"
        """)
            .await(Duration.ofSeconds(220));

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("zombies: 0\n");
  }

  @Test
  void notPid1StillReapsOrphansAsChildSubreaper() throws Exception {
    sandbox.script(
        "/usr/local/bin/orphan-check",
        """
        sh -c 'sleep 1 & echo $! > /tmp/orphan'
        orphan=$(cat /tmp/orphan)
        echo "orphan parent: $(sed -n 's/^PPid:\\t//p' /proc/$orphan/status)"
        echo "my_init: $PPID"
        i=0
        while [ -e /proc/$orphan ] && [ $i -lt 600 ]; do i=$((i+1)); sleep 0.05; done
        [ -e /proc/$orphan ] && echo "orphan left: $(sed -n 's/^State:\\t//p' /proc/$orphan/status)" || echo "orphan reaped"
        """);

    Sandbox.Result result =
        sandbox.run(
            "/bin/sh",
            "-c",
            "/sbin/my_init --skip-runit -- /usr/local/bin/orphan-check; echo \"my_init: $?\"");

    result.hasStatus(0);
    List<String> lines = result.stdout().lines().toList();
    assertThat(lines).hasSize(4);
    String myInitPid = lines.get(1).substring("my_init: ".length());
    assertThat(myInitPid).isNotEqualTo("1");
    assertThat(lines.get(0)).isEqualTo("orphan parent: " + myInitPid);
    assertThat(lines.subList(2, 4)).containsExactly("orphan reaped", "my_init: 0");
  }

  @Test
  void noKillAllOnExitLeavesADaemonOfTheCommandRunning() throws Exception {
    Sandbox.Result result = sandbox.run("/bin/sh", "-c", daemonSurvives("--no-kill-all-on-exit"));

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("daemon alive\n");
    assertThat(result.stderr()).doesNotContain("Killing all processes");
  }

  @Test
  void withoutNoKillAllOnExitTheSameDaemonIsKilled() throws Exception {
    Sandbox.Result result = sandbox.run("/bin/sh", "-c", daemonSurvives(""));

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("daemon gone\n");
    assertThat(result.stderr()).contains("*** Killing all processes...\n");
  }

  /** my_init is not PID 1 here: the kernel would kill every process of the namespace with PID 1. */
  private static String daemonSurvives(String option) {
    return "/sbin/my_init --skip-runit "
        + option
        + " -- /bin/sh -c 'sleep 1000 & echo $! > /tmp/daemon'\n"
        + "d=$(cat /tmp/daemon)\n"
        + "if kill -0 $d 2>/dev/null && ! grep -q '^State:.*Z' /proc/$d/status; then echo daemon alive; else echo daemon gone; fi\n"
        + "kill $d 2>/dev/null; true";
  }

  // ---------------------------------------------------------------------------------------------
  // The environment as my_init imports and exports it (docs/user-guide.md, "Environment variables")

  @Test
  void nonUtf8AndNonAsciiValuesArriveByteForByte() throws Exception {
    sandbox.script(
        "/usr/local/bin/env-check",
        """
        printf %s "$V" > /tmp/command-V
        printf %s "$U" > /tmp/command-U
        for shell in dash bash; do
          env -u V -u U $shell -c '. /etc/container_environment.sh; printf %s "$V"' > /tmp/$shell-V
          env -u V -u U $shell -c '. /etc/container_environment.sh; printf %s "$U"' > /tmp/$shell-U
        done""");

    // The test JVM may have no locale: bash makes the bytes inside the sandbox; exec keeps PID 1.
    Sandbox.Result result =
        sandbox.run(
            "/bin/bash",
            "-c",
            "exec env -u LANG -u LC_ALL V=$'\\xff\\xfe' U=$'h\\xc3\\xa9llo' /sbin/my_init --skip-runit -- /usr/local/bin/env-check");

    result.hasStatus(0);
    byte[] invalid = {(byte) 0xff, (byte) 0xfe};
    byte[] hello = "héllo".getBytes(StandardCharsets.UTF_8);
    for (String store :
        List.of("/tmp/command-", "/etc/container_environment/", "/tmp/dash-", "/tmp/bash-")) {
      assertThat(sandbox.bytes(store + "V")).as(store + "V").isEqualTo(invalid);
      assertThat(sandbox.bytes(store + "U")).as(store + "U").isEqualTo(hello);
    }
    String json =
        new String(sandbox.bytes("/etc/container_environment.json"), StandardCharsets.UTF_8);
    assertThat(json)
        .startsWith("{")
        .endsWith("}\n")
        .contains("\"U\":\"héllo\"", "\"V\":\"\uFFFD\uFFFD\"");
    assertThat(result.stderr().lines().filter(l -> l.contains("WARNING")))
        .containsExactly(
            "*** WARNING: V: not valid UTF-8: written to the JSON dump with U+FFFD for each invalid byte");
  }

  /**
   * JAVA_TOOL_OPTIONS, _JAVA_OPTIONS and JDK_JAVA_OPTIONS set image-wide (an agent, a second
   * garbage collector, an option our launcher does not know) never reach my_init's JVM, and reach a
   * startup script, a service, the command, setuser's command and the dumps byte for byte
   * (docs/user-guide.md, "Java options").
   */
  @Test
  void javaOptionVariablesReachEveryChildButNotOurJvm() throws Exception {
    String save = "printf %s \"$JAVA_TOOL_OPTIONS|$_JAVA_OPTIONS|$JDK_JAVA_OPTIONS\" > /tmp/";
    sandbox.script("/etc/my_init.d/10-save", save + "script");
    sandbox.service(
        "svc", save + "service.tmp && mv /tmp/service.tmp /tmp/service\nexec sleep 1000");
    sandbox.script(
        "/usr/local/bin/check",
        save
            + "command\n"
            + "/sbin/setuser nobody /bin/sh -c '"
            + save
            + "setuser'\n"
            + "while [ ! -e /tmp/service ]; do sleep 0.05; done");

    Sandbox.Result result =
        sandbox.run(
            "/bin/bash",
            "-c",
            "exec env JAVA_TOOL_OPTIONS=$'-javaagent:/nonexistent/agent.jar -Dv=\\xff'"
                + " _JAVA_OPTIONS=-XX:+UseG1GC JDK_JAVA_OPTIONS=--no-such-option /sbin/my_init -- /usr/local/bin/check");

    result.hasStatus(0);
    byte[] expected =
        "-javaagent:/nonexistent/agent.jar -Dv=\u00ff|-XX:+UseG1GC|--no-such-option"
            .getBytes(StandardCharsets.ISO_8859_1);
    for (String child : List.of("script", "service", "command", "setuser")) {
      assertThat(sandbox.bytes("/tmp/" + child)).as(child).isEqualTo(expected);
    }
    assertThat(sandbox.bytes("/etc/container_environment/_JAVA_OPTIONS"))
        .isEqualTo("-XX:+UseG1GC".getBytes(StandardCharsets.UTF_8));
    assertThat(
            new String(sandbox.bytes("/etc/container_environment.sh"), StandardCharsets.ISO_8859_1))
        .contains("export JDK_JAVA_OPTIONS=--no-such-option\n")
        .doesNotContain("BASEIMAGE_HELD_");
    assertThat(result.stderr())
        .doesNotContain("Picked up", "agent", "garbage collector", "Unrecognized")
        .contains("*** /usr/local/bin/check exited with status 0.\n");
  }

  /**
   * A value given with {@code -e} keeps its value for the whole boot unless a startup script
   * changes that very file (docs/user-guide.md, "Defining variables at build time"): also {@code
   * HOME} (the image ships {@code HOME=/root}) and a variable whose file my_init may not replace
   * (the image made it a symbolic link).
   */
  @Test
  void valuesGivenWithDashEOutliveStartupScriptsUnlessOneChangesThem() throws Exception {
    sandbox.write("/etc/foo-default", "image\n");
    Files.createDirectories(sandbox.path("/etc/container_environment"));
    Files.createSymbolicLink(
        sandbox.path("/etc/container_environment/FOO"), Path.of("/etc/foo-default"));
    sandbox.script("/etc/my_init.d/10-unrelated", "echo x > /etc/container_environment/UNRELATED");
    sandbox.script(
        "/etc/my_init.d/20-changes-one", "echo script > /etc/container_environment/CHANGED");

    Sandbox.Result result =
        sandbox.run(
            environment("FOO", "cli", "HOME", "/app", "CHANGED", "cli"),
            "/sbin/my_init",
            "--skip-runit",
            "--",
            "/bin/sh",
            "-c",
            "echo \"$FOO $HOME $CHANGED $UNRELATED\"; grep -E '^export (FOO|CHANGED)=' /etc/container_environment.sh");

    result.hasStatus(0);
    assertThat(result.stdout())
        .isEqualTo("cli /app script x\nexport CHANGED=script\nexport FOO=cli\n");
    assertThat(sandbox.read("/etc/foo-default")).isEqualTo("image\n");
    assertThat(result.stderr())
        .contains("*** WARNING: /etc/container_environment/FOO: not written: a symbolic link");
  }

  /**
   * With no locale (as in the image), names in UTF-8 ({@code café}) and in no encoding at all
   * ({@code caf\xe9}) work like ASCII ones: PATH entries, the command found on them,
   * ENV_INIT_DIRECTORY and the startup scripts in it (byte order, logged readably), a service
   * directory (started, and stopped by sv with its exact name). docs/user-guide.md, "my_init
   * reference": names are bytes.
   */
  @Test
  void namesInAnyEncodingWorkWithoutALocale() throws Exception {
    String utf8 = "caf\\xc3\\xa9";
    String latin1 = "caf\\xe9";
    Sandbox.Result result =
        sandbox.run(
            "/bin/bash",
            "-c",
            String.join(
                "\n",
                "set -e",
                "mkdir -p $'/opt/"
                    + utf8
                    + "/bin' $'/opt/"
                    + latin1
                    + "/bin' $'/etc/init-"
                    + utf8
                    + "' $'/etc/service/"
                    + latin1
                    + "'",
                "printf '#!/bin/sh\\necho utf8-tool\\n' > $'/opt/" + utf8 + "/bin/tool-a'",
                "printf '#!/bin/sh\\necho latin1-tool\\n' > $'/opt/" + latin1 + "/bin/tool-b'",
                "printf '#!/bin/sh\\necho 10 >> /tmp/order\\n' > $'/etc/init-"
                    + utf8
                    + "/10-"
                    + utf8
                    + "'",
                "printf '#!/bin/sh\\necho 20 >> /tmp/order\\n' > $'/etc/init-"
                    + utf8
                    + "/20-"
                    + latin1
                    + "'",
                "printf '#!/bin/sh\\ntouch /tmp/svc-up\\nexec sleep 1000\\n' > $'/etc/service/"
                    + latin1
                    + "/run'",
                "chmod +x $'/opt/"
                    + utf8
                    + "/bin/tool-a' $'/opt/"
                    + latin1
                    + "/bin/tool-b' $'/etc/init-"
                    + utf8
                    + "'/*"
                    + " $'/etc/service/"
                    + latin1
                    + "/run'",
                "exec env -u LANG -u LC_ALL PATH=$'/opt/"
                    + utf8
                    + "/bin:/opt/"
                    + latin1
                    + "/bin:/usr/bin:/bin'"
                    + " ENV_INIT_DIRECTORY=$'/etc/init-"
                    + utf8
                    + "' /sbin/my_init -- /bin/sh -c"
                    + " 'while [ ! -e /tmp/svc-up ]; do sleep 0.05; done; tool-a; tool-b'"));

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("utf8-tool\nlatin1-tool\n");
    assertThat(sandbox.read("/tmp/order")).isEqualTo("10\n20\n");
    assertThat(result.stderr())
        .contains(
            "*** Running /etc/init-café/10-café...\n",
            "*** Running /etc/init-café/20-caf\\xe9...\n")
        .doesNotContain("Exception", "\uFFFD", "did not stop");
    // The one warning: JSON cannot carry the PATH's byte \xe9 (docs/architecture.md, "The
    // environment, from the kernel to the children").
    assertThat(result.stderr().lines().filter(line -> line.contains("WARNING")))
        .containsExactly(
            "*** WARNING: PATH: not valid UTF-8: written to the JSON dump with U+FFFD for each invalid byte");
  }

  /**
   * Nothing in the directory can crash my_init (docs/user-guide.md, "Defining variables at build
   * time"): 7.3 MB of values do not exhaust its memory even where every byte is invalid UTF-8 and
   * triples in the JSON dump (→ 22 MB). Such an environment is too large for execve: one clear line
   * says so.
   */
  @Test
  @Timeout(180)
  void aFullDirectoryOfInvalidUtf8FitsInMemory() throws Exception {
    byte[] invalid = new byte[130_000];
    Arrays.fill(invalid, (byte) 0xff);
    for (int i = 0; i < 56; i++) {
      sandbox.write("/etc/container_environment/V" + i, invalid, "rw-------");
    }

    Sandbox.Result result =
        sandbox
            .start("/sbin/my_init", "--skip-runit", "--", "/bin/true")
            .await(Duration.ofSeconds(170));

    result.hasStatus(126);
    assertThat(result.stderr())
        .doesNotContain("OutOfMemoryError", "my_init failed")
        .contains(
            "cannot execute /bin/true: the environment and arguments are too large for execve (E2BIG");
    assertThat(Files.size(sandbox.path("/etc/container_environment.json")))
        .isGreaterThan(56L * 130_000 * 3);
  }

  @Test
  void hostileEnvironmentDirectoryIsSkippedEntryByEntryWithWarnings() throws Exception {
    sandbox.write("/etc/container_environment/GOOD", "kept\n");
    sandbox.write("/etc/container_environment/SUBDIR/x", "a directory is no variable");
    sandbox.write("/etc/container_environment/A=B", "a name with =");
    sandbox.write("/etc/container_environment/HUGE", "x".repeat(200 * 1024));
    Files.createSymbolicLink(
        sandbox.path("/etc/container_environment/DANGLING"), Path.of("/nowhere"));
    Sandbox.sh(
        "mkfifo '" + sandbox.path("/etc/container_environment/FIFO") + "'", Duration.ofSeconds(10));

    Sandbox.Result result =
        sandbox.run("/sbin/my_init", "--skip-runit", "--", "/bin/sh", "-c", "echo \"[$GOOD]\"");

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("[kept]\n");
    assertThat(result.stderr().lines().filter(l -> l.startsWith("*** WARNING: ")))
        .hasSize(5)
        .anySatisfy(l -> assertThat(l).contains("/etc/container_environment/SUBDIR", "directory"))
        .anySatisfy(l -> assertThat(l).contains("/etc/container_environment/A=B"))
        .anySatisfy(l -> assertThat(l).contains("/etc/container_environment/HUGE", "128 KiB"))
        .anySatisfy(l -> assertThat(l).contains("/etc/container_environment/DANGLING"))
        .anySatisfy(l -> assertThat(l).contains("/etc/container_environment/FIFO"));
  }

  @Test
  void environmentTooLargeForExecveIsOneClearLine() throws Exception {
    // 24 variables of 120 KiB: each fits the kernel's 128 KiB limit, all together exceed ARG_MAX.
    for (int i = 0; i < 24; i++) {
      sandbox.write("/etc/container_environment/BIG" + i, "y".repeat(120 * 1024));
    }

    Sandbox.Result result = sandbox.run("/sbin/my_init", "--skip-runit", "--", "/bin/true");

    result.hasStatus(126);
    assertThat(result.stderr()).containsOnlyOnce("E2BIG").doesNotContain("Exception", "\tat ");
    assertThat(result.stderr().lines().filter(l -> l.contains("E2BIG")))
        .singleElement()
        .asString()
        .startsWith("*** ")
        .contains("/bin/true", "too large");
  }

  @Test
  void variableWhoseNameIsNoShellNameReachesTheCommandAndTheDumps() throws Exception {
    // No shell between pid1.sh's env and my_init: dash would drop A.B.
    Sandbox.Result result =
        sandbox.run(environment("A.B", "1"), "/sbin/my_init", "--skip-runit", "--", "/usr/bin/env");

    result.hasStatus(0);
    assertThat(result.stdout().lines()).contains("A.B=1");
    assertThat(sandbox.read("/etc/container_environment/A.B")).isEqualTo("1");
    assertThat(sandbox.read("/etc/container_environment.json")).contains("\"A.B\":\"1\"");
    assertThat(sandbox.read("/etc/container_environment.sh")).contains("export A_B=1\n");
  }

  @Test
  void dumpsAndDirectoryKeepTheEnvironmentPrivate() throws Exception {
    Sandbox.Result result =
        sandbox.run(
            environment("SECRET", "s3cret"), "/sbin/my_init", "--skip-runit", "--", "/bin/true");

    result.hasStatus(0);
    assertThat(mode("/etc/container_environment.sh")).isEqualTo("rw-r-----");
    assertThat(mode("/etc/container_environment.json")).isEqualTo("rw-r-----");
    assertThat(mode("/etc/container_environment")).isEqualTo("rwx------");
    assertThat(mode("/etc/container_environment/SECRET")).isEqualTo("rw-r-----");
    assertThat(sandbox.read("/etc/container_environment/SECRET")).isEqualTo("s3cret");
    assertThat(Files.getOwner(sandbox.file("/etc/container_environment.sh")).getName())
        .isEqualTo("root");
    // No temporary file is left next to the dumps.
    try (var files = Files.list(sandbox.path("/etc"))) {
      assertThat(
              files
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.startsWith(".") || n.contains("tmp")))
          .isEmpty();
    }
  }

  private String mode(String absolute) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(sandbox.file(absolute)));
  }

  // ---------------------------------------------------------------------------------------------
  // Options, read-only root, not root

  @Test
  void quietDropsInformationButKeepsWarningsAndErrors() throws Exception {
    sandbox.write("/etc/container_environment/BAD=NAME", "x");
    sandbox.script("/etc/my_init.d/10-fail", "exit 3");

    Sandbox.Result result = sandbox.run("/sbin/my_init", "--quiet", "--", "/bin/true");

    result.hasStatus(1);
    List<String> lines = result.stderr().lines().toList();
    assertThat(lines).contains("*** /etc/my_init.d/10-fail failed with status 3.");
    assertThat(lines).anyMatch(l -> l.startsWith("*** WARNING: ") && l.contains("BAD=NAME"));
    assertThat(lines)
        .allMatch(
            l ->
                l.startsWith("*** WARNING: ")
                    || l.equals("*** /etc/my_init.d/10-fail failed with status 3."));
  }

  @Test
  void quietCommandRunPrintsNothing() throws Exception {
    Sandbox.Result result =
        sandbox.run("/sbin/my_init", "--quiet", "--", "/bin/sh", "-c", "echo out; exit 4");

    result.hasStatus(4);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void bootsOnAReadOnlyRootWarningOnceForTheDumpsAndOnceForTheService() throws Exception {
    sandbox.script("/etc/my_init.d/10-script", "echo \"script sees $FOO\"");
    sandbox.service("svc", "echo \"service sees $FOO\"; exec sleep 1000");

    Sandbox.Result result =
        sandbox.run(
            environment("PID1_READ_ONLY", "yes", "FOO", "bar"),
            "/sbin/my_init",
            "--",
            "/bin/sh",
            "-c",
            "echo \"command sees $FOO\"; touch /tmp/x 2>/dev/null && echo writable || echo read-only");

    result.hasStatus(0);
    assertThat(result.stdout()).contains("script sees bar\n", "command sees bar\n", "read-only\n");
    // The service's supervise/ would be on the read-only root: left out, not crash-looping.
    assertThat(result.stderr().lines().filter(l -> l.contains("WARNING")))
        .containsExactly(
            "*** WARNING: cannot save the environment to /etc/container_environment,"
                + " /etc/container_environment.sh and /etc/container_environment.json (read-only"
                + " file system); they are left as they were, but every process started still"
                + " gets the environment",
            "*** WARNING: /etc/service/svc not started: runit cannot keep its state in"
                + " /etc/service/svc/supervise as uid 0 (/etc/service/svc is on a read-only file"
                + " system; make it a symlink into /run, as the image's services have:"
                + " docs/operations.md, read-only root).");
  }

  /**
   * The launcher with its own flags and class loading logged to {@code /tmp/LOG.log}: a class from
   * outside the AOT cache is read from the compressed module image, or (a lambda's, a pattern
   * switch's) spun at run time, on every run of that path (docs/benchmarks.md, "Levers").
   */
  private String[] tracedMyInit(String log, String... args) throws IOException {
    String traced =
        sandbox
            .read("/usr/lib/baseimage-java/my_init.args")
            .replace("-Xlog:disable\n", "")
            .replace("\n-m ", "\n-Xlog:class+load=info:file=/tmp/" + log + ".log\n-m ");
    sandbox.write("/" + log + ".args", traced);
    List<String> argv =
        new ArrayList<>(
            List.of("/usr/lib/baseimage-java/bin/launcher", "@/" + log + ".args", "/sbin/my_init"));
    argv.addAll(List.of(args));
    return argv.toArray(String[]::new);
  }

  private void tookEveryClassFromTheAotCache(String log) throws IOException {
    List<String> loaded = sandbox.read("/tmp/" + log + ".log").lines().toList();
    assertThat(loaded).as("classes loaded").hasSizeGreaterThan(1000);
    assertThat(loaded)
        .filteredOn(line -> !line.endsWith(" source: shared objects file"))
        .as("classes not from the AOT cache")
        .isEmpty();
  }

  @Test
  void aBootWithAScriptAServiceAndACommandTakesEveryClassFromTheAotCache() throws Exception {
    sandbox.script("/etc/my_init.d/10-script", "echo ran > /tmp/script-ran");
    sandbox.script("/etc/my_init.post_shutdown.d/10-script", "true");
    sandbox.service("svc", "touch /tmp/svc-up; exec sleep 1000");

    Sandbox.Result result =
        sandbox.run(
            environment("KILL_PROCESS_TIMEOUT", "2.5"),
            tracedMyInit(
                "classes",
                "--",
                "/bin/sh",
                "-c",
                "while [ ! -e /tmp/svc-up ]; do sleep 0.05; done"));

    result.hasStatus(0);
    assertThat(sandbox.read("/tmp/script-ran")).isEqualTo("ran\n");
    tookEveryClassFromTheAotCache("classes");
  }

  @Test
  void aDockerStopOfServicesTakesEveryClassFromTheAotCache() throws Exception {
    // No command: the container's life is its services, and docker stop sends SIGTERM.
    sandbox.service("quick", "touch /tmp/quick-up; exec sleep 1000");
    sandbox.script("/etc/service/quick/check", "true");
    sandbox.service(
        "stubborn", "trap '' TERM; touch /tmp/stubborn-up; while :; do sleep 0.05; done");
    Sandbox.Run run =
        sandbox.start(environment("KILL_PROCESS_TIMEOUT", "0.5"), tracedMyInit("classes"));
    sandbox.awaitFile(run, "/tmp/quick-up", READY);
    sandbox.awaitFile(run, "/tmp/stubborn-up", READY);

    // A health probe, as HEALTHCHECK runs it every few seconds.
    Sandbox.Result status = run.exec(tracedMyInit("status", "--status"));
    assertThat(status.stdout()).contains("quick: up (pid ").contains("check passed");
    tookEveryClassFromTheAotCache("status");

    run.signal("TERM");
    Sandbox.Result result = run.await(Duration.ofSeconds(30));
    assertThat(result.stderr()).contains("/etc/service/stubborn did not stop within 500 ms");
    tookEveryClassFromTheAotCache("classes");
  }

  @Test
  void aNonRootBootTakesEveryClassFromTheAotCache() throws Exception {
    sandbox.service("svc", "exec sleep 1000");
    // supervise/ would be made in the image's /etc/service, which uid 500 may not write.

    Sandbox.Result result =
        sandbox.run(
            environment(),
            Stream.concat(
                    Stream.of("setpriv", "--reuid=500", "--regid=500", "--clear-groups"),
                    Stream.of(tracedMyInit("classes", "--", "/bin/true")))
                .toArray(String[]::new));

    result.hasStatus(0);
    assertThat(result.stderr()).contains("/etc/service/svc not started");
    tookEveryClassFromTheAotCache("classes");
  }

  @Test
  void anEssentialServiceThatEndsTakesEveryClassFromTheAotCache() throws Exception {
    sandbox.service("web", "sleep 0.3; exit 3");
    sandbox.write("/etc/service/web/essential", "");

    Sandbox.Result result = sandbox.run(environment(), tracedMyInit("classes"));

    result.hasStatus(3);
    tookEveryClassFromTheAotCache("classes");
  }

  @Test
  void runsvdirStopsAtOnceAfterAStartupScriptChangedTheServiceDirectory() throws Exception {
    // runsvdir sleeps a second after it scans a directory changed within that second, and looks
    // at a TERM that cut the sleep short only after its next 5 s wait (runsvdir.c): a script that
    // enables or removes a service at boot is enough. my_init sends TERM again until it ends.
    sandbox.script("/etc/my_init.d/10-touch", "touch /etc/service");
    long start = System.nanoTime();

    Sandbox.Result result =
        sandbox.run(
            environment("KILL_PROCESS_TIMEOUT", "30", "MY_INIT_SHUTDOWN_TIMEOUT", "60"),
            "/sbin/my_init",
            "--",
            "/bin/true");

    result.hasStatus(0);
    // With one TERM: over 5 s, always. Now ~0.2 s; the bound leaves room for a busy machine.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aReadOnlyEnvironmentDirectoryIsOneWarningAndTheDumpsAreStillWritten() throws Exception {
    sandbox.write("/etc/container_environment/FROM_IMAGE", "image\n");

    Sandbox.Result result =
        sandbox.run(
            environment("PID1_READ_ONLY", "/etc/container_environment", "FOO", "bar"),
            "/sbin/my_init",
            "--quiet",
            "--",
            "/bin/sh",
            "-c",
            ". /etc/container_environment.sh; echo \"$FROM_IMAGE $FOO\"");

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("image bar\n");
    assertThat(result.stderr().lines())
        .containsExactly(
            "*** WARNING: cannot save the environment to /etc/container_environment (read-only"
                + " file system); it is left as it was, but every process started still gets"
                + " the environment");
  }

  @Test
  void bootsAsANonRootUser() throws Exception {
    sandbox.script("/etc/my_init.d/10-id", "id -u > /tmp/script-uid");
    sandbox.service(
        "svc", "id -u > /tmp/svc-uid.tmp && mv /tmp/svc-uid.tmp /tmp/svc-uid\nexec sleep 1000");
    sandbox.chown("/etc/service/svc", 500, 500);

    Sandbox.Result result =
        sandbox.run(
            environment("FOO", "bar"),
            "setpriv",
            "--reuid=500",
            "--regid=500",
            "--clear-groups",
            "/sbin/my_init",
            "--",
            "/bin/sh",
            "-c",
            "while [ ! -e /tmp/svc-uid ]; do sleep 0.05; done; echo \"$(id -u) $(cat /tmp/script-uid) $(cat /tmp/svc-uid) $FOO\"; exit 7");

    result.hasStatus(7);
    assertThat(result.stdout()).isEqualTo("500 500 500 bar\n");
    List<String> warnings = result.stderr().lines().filter(l -> l.contains("WARNING")).toList();
    assertThat(warnings).filteredOn(l -> l.contains("cannot save the environment")).hasSize(1);
    // Each warning says what went wrong, not just a path.
    assertThat(warnings).allMatch(l -> l.contains("permission denied"), "names the reason");
    assertThat(result.stderr())
        .contains("*** Shutting down runit daemon (PID ", "*** Killing all processes...\n")
        .doesNotContain("Exception");
  }

  @Test
  void servicesSeeTheEnvironmentAndAreStoppedAtTheEnd() throws Exception {
    sandbox.script(
        "/etc/my_init.d/10-add", "printf added > /etc/container_environment/FROM_SCRIPT");
    sandbox.service(
        "svc",
        """
        trap 'echo stopped > /tmp/svc-stopped; exit 0' TERM
        echo "$FOO $FROM_SCRIPT" > /tmp/svc-env
        echo $$ > /tmp/svc-pid
        touch /tmp/svc-up
        while :; do sleep 0.05; done""");
    sandbox.script(
        "/etc/my_init.post_shutdown.d/10-check",
        "kill -0 $(cat /tmp/svc-pid) 2>/dev/null && echo running > /tmp/after || echo gone > /tmp/after");

    Sandbox.Result result =
        sandbox.run(
            environment("FOO", "bar"),
            "/sbin/my_init",
            "--",
            "/bin/sh",
            "-c",
            "while [ ! -e /tmp/svc-up ]; do sleep 0.05; done");

    result.hasStatus(0);
    assertThat(result.stderr()).containsPattern("\\*\\*\\* Runit started as PID \\d+\n");
    assertThat(sandbox.read("/tmp/svc-env")).isEqualTo("bar added\n");
    assertThat(sandbox.read("/tmp/svc-stopped")).isEqualTo("stopped\n");
    assertThat(sandbox.read("/tmp/after")).isEqualTo("gone\n");
  }

  // ---------------------------------------------------------------------------------------------
  // Health checks (docs/user-guide.md, "Health checks: my_init --status"): --status run from
  // outside the tree of PID 1, as `docker exec` and a Kubernetes exec probe run it.

  private static final String STATUS_LINE = "my_init: running since \\S+Z \\(\\d+ s\\), pid 1\n";

  @Test
  void statusIsHealthyWithEveryServiceUpAndNotOnceOneIsDown() throws Exception {
    sandbox.service("svc1", "touch /tmp/svc1-up\nexec sleep 1000");
    sandbox.service("svc2", "touch /tmp/svc2-up\nexec sleep 1000");
    sandbox.service("batch", "exec sleep 1000");
    sandbox.write("/etc/service/batch/down", "");
    Sandbox.Run run = sandbox.start("/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/svc1-up", READY);
    sandbox.awaitFile(run, "/tmp/svc2-up", READY);

    // runsv records a run right after its fork: the service may touch its file a moment before.
    Sandbox.Result healthy = awaitExecStatus(run, 0, "/sbin/my_init", "--status");

    assertThat(healthy.stdout())
        .matches(
            STATUS_LINE
                + "batch: down \\(down file\\)\n"
                + "svc1: up \\(pid \\d+\\) for \\d+ s\n"
                + "svc2: up \\(pid \\d+\\) for \\d+ s\n");
    assertThat(healthy.stderr()).isEmpty();

    run.exec("sv", "-w", "30", "down", "svc2").hasStatus(0);
    Sandbox.Result down = run.exec("/sbin/my_init", "--status").hasStatus(1);

    assertThat(down.stdout())
        .containsPattern("\nsvc1: up \\(pid \\d+\\) for \\d+ s\n")
        .containsPattern("\nsvc2: down for \\d+ s, normally up\n");
    assertThat(down.stderr()).isEmpty();
    assertThat(run.stderr()).doesNotContain("runsv", "WARNING");
  }

  @Test
  void statusRunsEachCheckScriptAsSvCheckDoes() throws Exception {
    sandbox.service("web", "touch /tmp/web-up\nexec sleep 1000");
    // sv check runs ./check in the service's directory; this one shows where it ran.
    sandbox.script(
        "/etc/service/web/check",
        "echo \"$0 in $PWD sees $FOO\" > /tmp/check-ran\n"
            + "if [ -e /tmp/hang ]; then sleep 1001; fi\n"
            + "[ -e /tmp/web-ready ]");
    Sandbox.Run run = sandbox.start("/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/web-up", READY);
    run.exec("touch", "/tmp/web-ready").hasStatus(0);

    Sandbox.Result passing = awaitExecStatus(run, 0, "/sbin/my_init", "--status");
    assertThat(passing.stdout())
        .containsPattern("\nweb: up \\(pid \\d+\\) for \\d+ s, check passed\n");

    run.exec("rm", "/tmp/web-ready").hasStatus(0);
    Sandbox.Result failing =
        run.exec(environment("FOO", "bar"), "/sbin/my_init", "--status").hasStatus(1);
    assertThat(failing.stdout())
        .containsPattern("\nweb: up \\(pid \\d+\\) for \\d+ s, check failed \\(exit status 1\\)\n");
    assertThat(sandbox.read("/tmp/check-ran")).isEqualTo("./check in /etc/service/web sees bar\n");

    run.exec("touch", "/tmp/hang").hasStatus(0);
    long before = System.nanoTime();
    Sandbox.Result hanging =
        run.exec(environment("KILL_PROCESS_TIMEOUT", "1"), "/sbin/my_init", "--status")
            .hasStatus(1);
    Duration took = Duration.ofNanos(System.nanoTime() - before);
    assertThat(hanging.stdout())
        .containsPattern(
            "\nweb: up \\(pid \\d+\\) for \\d+ s, check timed out after 1 s \\(killed\\)\n");
    assertThat(hanging.stderr()).isEmpty();
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(took).isLessThan(Duration.ofSeconds(1 + SLACK_SECONDS));
    // What the check started is killed with it: a probe every few seconds would pile them up.
    awaitExecStatus(run, 1, "pgrep", "-f", "sleep 1001");
  }

  @Test
  void statusSaysBootingUntilTheStartupScriptsHaveRun() throws Exception {
    sandbox.script(
        "/etc/my_init.d/10-wait",
        "touch /tmp/in-script\nwhile [ ! -e /tmp/go ]; do sleep 0.05; done");
    sandbox.service("svc", "touch /tmp/svc-up\nexec sleep 1000");
    Sandbox.Run run = sandbox.start("/sbin/my_init");
    sandbox.awaitFile(run, "/tmp/in-script", READY);

    Sandbox.Result booting = run.exec("/sbin/my_init", "--status").hasStatus(1);
    assertThat(booting.stdout()).matches("my_init: booting since \\S+Z \\(\\d+ s\\), pid 1\n");

    run.exec("touch", "/tmp/go").hasStatus(0);
    Sandbox.Result running = awaitExecStatus(run, 0, "/sbin/my_init", "--status");
    assertThat(running.stdout()).matches(STATUS_LINE + "svc: up \\(pid \\d+\\) for \\d+ s\n");
  }

  @Test
  void statusAsAnotherUserSaysWhatItCannotRead() throws Exception {
    sandbox.service("svc", "touch /tmp/svc-up\nexec sleep 1000");
    Sandbox.Run run = sandbox.start("/sbin/my_init");
    awaitExecStatus(run, 0, "/sbin/my_init", "--status");

    // runsv makes supervise/ 0700: a user other than root may read my_init's state, not runit's.
    Sandbox.Result result =
        run.exec(
                "setpriv",
                "--reuid=500",
                "--regid=500",
                "--clear-groups",
                "/sbin/my_init",
                "--status")
            .hasStatus(1);

    assertThat(result.stdout())
        .matches(STATUS_LINE + "svc: status unreadable \\(permission denied\\)\n");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void statusWithoutARunningMyInitSaysSo() throws Exception {
    Sandbox.Result result = sandbox.run("/sbin/my_init", "--status").hasStatus(1);

    assertThat(result.stdout())
        .isEqualTo("my_init: not running (no my_init.state in /run, /tmp, /dev/shm)\n");
    assertThat(result.stderr()).isEmpty();
  }

  /**
   * Runs {@code command} in the sandbox until it exits {@code expected}, at most {@link #READY};
   * returns that run.
   */
  private static Sandbox.Result awaitExecStatus(Sandbox.Run run, int expected, String... command)
      throws Exception {
    long deadline = System.nanoTime() + READY.toNanos();
    Sandbox.Result result = run.exec(command);
    while (result.status() != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      result = run.exec(command);
    }
    return result.hasStatus(expected);
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      count++;
    }
    return count;
  }
}
