package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * /sbin/setuser from the overlay in a Debian root with real user and group databases
 * (docs/user-guide.md, "setuser reference"): a gosu-style matrix of user specs, checked from inside
 * the command, and every error case.
 */
@Timeout(60)
@ExtendWith(SandboxExtension.class)
class SetuserIT {
  /**
   * What the command sees of itself, one fact per line. Run with {@code sh -c}: dash keeps a script
   * file it reads open (as fd 10).
   */
  private static final String PROBE =
      """
      echo "fds:"
      ls /proc/$$/fd
      echo "id: $(id -u) $(id -g) $(id -G)"
      echo "env: HOME=$HOME USER=$USER UID=$UID"
      # The shell's own status, read by the shell: a grep it vforks could see it with every
      # signal blocked for a moment.
      while IFS= read -r line; do
        case $line in Uid:*|Gid:*|Groups:*|SigBlk:*|SigIgn:*|CapEff:*) echo "$line";; esac
      done < /proc/$$/status
      echo "java: $(ps -eo comm= | grep -c java)"
      """;

  private final Sandbox sandbox;

  SetuserIT(Sandbox sandbox) {
    this.sandbox = sandbox;
  }

  @BeforeEach
  void addUsersAndGroups() throws Exception {
    sandbox
        .append("/etc/passwd", "app:x:1500:1500:App:/home/app:/bin/sh\n")
        .append("/etc/group", "app:x:1500:\ng1:x:1601:app\ng2:x:1602:other,app\ng3:x:1603:other\n");
  }

  /**
   * A class from outside the AOT cache is read from the compressed module image, or (a lambda's)
   * spun at run time: milliseconds of every setuser start.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"app", "1500", "app:g1", "app:1603", "4242:g2", "root"})
  void takesEveryClassFromTheAotCache(String spec) throws Exception {
    String traced =
        sandbox
            .read("/usr/lib/baseimage-java/setuser.args")
            .replace("-Xlog:disable\n", "")
            .replace("\n-m ", "\n-Xlog:class+load=info:file=/tmp/classes.log\n-m ");
    sandbox.write("/traced.args", traced);

    Sandbox.Result result =
        sandbox.run(
            "/usr/lib/baseimage-java/bin/launcher",
            "@/traced.args",
            "/sbin/setuser",
            spec,
            "/bin/true");

    result.hasStatus(0);
    List<String> loaded = sandbox.read("/tmp/classes.log").lines().toList();
    assertThat(loaded).as("classes loaded").hasSizeGreaterThan(1000);
    assertThat(loaded)
        .filteredOn(line -> !line.endsWith(" source: shared objects file"))
        .as("classes not from the AOT cache")
        .isEmpty();
  }

  /** Started with root's supplementary groups 0, 4 and 27, which must not reach the command. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      # spec    | uid  | gid  | groups         | HOME      | USER
      root      | 0    | 0    | 0              | /root     | root
      app       | 1500 | 1500 | 1500 1601 1602 | /home/app | app
      1500      | 1500 | 1500 | 1500 1601 1602 | /home/app | app
      app:g1    | 1500 | 1601 | 1601           | /home/app | app
      app:1603  | 1500 | 1603 | 1603           | /home/app | app
      1500:1602 | 1500 | 1602 | 1602           | /home/app | app
      4242      | 4242 | 4242 | 4242           | /         | 4242
      4242:g2   | 4242 | 1602 | 1602           | /         | 4242
      """)
  void becomesTheUserCompletely(
      String spec, int uid, int gid, String groups, String home, String user) throws Exception {
    // exec keeps ignored signals, and no program can reset glibc's internal signals 32 and 33
    // (sigaction refuses them), which the test JVM's posix_spawn leaves ignored in its children.
    // The caller shows that nothing else is ignored before setuser; the command must show the same.
    Sandbox.Result result =
        sandbox.run(
            "/usr/bin/setpriv",
            "--groups=0,4,27",
            "/bin/sh",
            "-c",
            """
        while IFS= read -r line; do case $line in SigIgn:*) echo "$line";; esac; done < /proc/$$/status
        exec /sbin/setuser "$0" /bin/sh -c "$1"
        """,
            spec,
            PROBE);

    result.hasStatus(0);
    assertThat(result.stderr()).isEmpty();
    List<String> lines =
        result
            .stdout()
            .lines()
            .map(l -> l.replaceAll("\\s+", " ").trim())
            .map(l -> l.startsWith("SigIgn: ") ? "SigIgn: " + ignoredBesidesGlibcSignals(l) : l)
            .toList();
    assertThat(lines.getFirst()).as("the caller's SigIgn").isEqualTo("SigIgn: 0");
    String capEff =
        uid == 0
            ? lines.stream().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow()
            : "CapEff: 0000000000000000";
    assertThat(lines.subList(1, lines.size()))
        .containsExactly(
            "fds:",
            "0",
            "1",
            "2",
            "id: " + uid + " " + gid + " " + groups,
            "env: HOME=" + home + " USER=" + user + " UID=" + uid,
            "Uid: " + uid + " " + uid + " " + uid + " " + uid,
            "Gid: " + gid + " " + gid + " " + gid + " " + gid,
            "Groups: " + groups,
            "SigBlk: 0000000000000000",
            "SigIgn: 0",
            capEff,
            "java: 0");
    if (uid == 0) {
      assertThat(capEff).isNotEqualTo("CapEff: 0000000000000000");
    }
  }

  private static String ignoredBesidesGlibcSignals(String sigIgnLine) {
    return Long.toHexString(
        Long.parseLong(sigIgnLine.substring("SigIgn: ".length()), 16) & ~0x1_8000_0000L);
  }

  /**
   * Default dispositions and an empty mask, also for what setuser's own parent ignored or blocked.
   */
  @Test
  void commandStartsWithNoSignalIgnoredOrBlockedWhateverTheParentDid() throws Exception {
    Sandbox.Result result =
        sandbox.run(
            "/usr/bin/env",
            "--ignore-signal=HUP",
            "--ignore-signal=INT",
            "--ignore-signal=TERM",
            "--ignore-signal=CHLD",
            "--block-signal=USR1",
            "/sbin/setuser",
            "app",
            "/bin/sh",
            "-c",
            "while IFS= read -r line; do case $line in SigBlk:*|SigIgn:*) echo \"$line\";; esac;"
                + " done < /proc/$$/status");

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
  }

  /**
   * The Java option variables are the command's, not setuser's JVM's ("Java options" of the guide).
   */
  @Test
  void javaOptionVariablesReachTheCommandButNotSetusersJvm() throws Exception {
    Sandbox.Result result =
        sandbox.run(
            Sandbox.environment(
                "JAVA_TOOL_OPTIONS",
                "-javaagent:/nonexistent/agent.jar",
                "_JAVA_OPTIONS",
                "-XX:+UseG1GC",
                "JDK_JAVA_OPTIONS",
                "--no-such-option"),
            "/sbin/setuser",
            "app",
            "/bin/sh",
            "-c",
            "echo \"[$JAVA_TOOL_OPTIONS] [$_JAVA_OPTIONS] [$JDK_JAVA_OPTIONS] held: $(env | grep -c BASEIMAGE_HELD_)\"");

    result.hasStatus(0);
    assertThat(result.stdout())
        .isEqualTo(
            "[-javaagent:/nonexistent/agent.jar] [-XX:+UseG1GC] [--no-such-option] held: 0\n");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void replacesItselfWithTheCommand() throws Exception {
    sandbox.script(
        "/usr/local/bin/same-pid",
        """
        echo $$
        exec /sbin/setuser app /bin/sh -c 'echo $$; ps -eo comm='""");

    // Not as PID 1: a pid that differs from 1 shows the exec kept it.
    Sandbox.Result result = sandbox.run("/bin/sh", "-c", "/usr/local/bin/same-pid; true");

    result.hasStatus(0);
    List<String> lines = result.stdout().lines().toList();
    assertThat(lines.get(0)).isNotEqualTo("1").isEqualTo(lines.get(1));
    assertThat(lines.subList(2, lines.size())).containsExactly("sh", "sh", "ps");
  }

  @Test
  void exitsWithTheStatusOfTheCommandAndPassesItsArguments() throws Exception {
    Sandbox.Result result =
        sandbox.run(
            "/sbin/setuser",
            "app",
            "/bin/sh",
            "-c",
            "echo \"$0|$1|$2\"; exit 9",
            "zero",
            "one two",
            "");

    result.hasStatus(9);
    assertThat(result.stdout()).isEqualTo("zero|one two|\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "app"})
  void tooFewArgumentsIsAUsageError(String user) throws Exception {
    Sandbox.Result result =
        user.isEmpty() ? sandbox.run("/sbin/setuser") : sandbox.run("/sbin/setuser", user);

    result.hasStatus(1);
    assertThat(result.stderr()).isEqualTo("Usage: /sbin/setuser USERNAME COMMAND [args..]\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      nosuch          | setuser: user nosuch not found
      nosuch:app      | setuser: user nosuch not found
      app:nosuch      | setuser: group nosuch not found
      4242:nosuch     | setuser: group nosuch not found
      """)
  void unknownUserOrGroupFails(String spec, String message) throws Exception {
    Sandbox.Result result = sandbox.run("/sbin/setuser", spec, "/bin/sh", "-c", "touch /tmp/ran");

    result.hasStatus(1);
    assertThat(result.stderr()).isEqualTo(message + "\n");
    assertThat(sandbox.exists("/tmp/ran")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"root", "app:g1", "4242"})
  void notRootCannotBecomeAnotherUser(String spec) throws Exception {
    Sandbox.Result result =
        sandbox.run(
            "setpriv",
            "--reuid=1500",
            "--regid=1500",
            "--clear-groups",
            "/sbin/setuser",
            spec,
            "/usr/bin/id",
            "-u");

    result.hasStatus(1);
    assertThat(result.stderr()).isEqualTo("setuser: must be run as root\n");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void notRootMayRunAsItself() throws Exception {
    Sandbox.Result result =
        sandbox.run(
            "setpriv",
            "--reuid=1500",
            "--regid=1500",
            "--clear-groups",
            "/sbin/setuser",
            "app",
            "/bin/sh",
            "-c",
            "echo $(id -u) $USER $HOME");

    result.hasStatus(0);
    assertThat(result.stdout()).isEqualTo("1500 app /home/app\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nonexistent/command", "no-such-command"})
  void commandNotFoundExits127(String command) throws Exception {
    Sandbox.Result result = sandbox.run("/sbin/setuser", "app", command);

    result.hasStatus(127);
    assertThat(result.stderr())
        .isEqualTo("setuser: cannot execute " + command + ": No such file or directory\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      /usr/local/bin/not-executable | rw-r--r--
      not-executable                | rw-r--r--
      /usr/local/bin/root-only      | rwx------
      """)
  void commandNotExecutableExits126(String command, String mode) throws Exception {
    String file = command.startsWith("/") ? command : "/usr/local/bin/" + command;
    sandbox.write(file, "#!/bin/sh\necho ran\n".getBytes(StandardCharsets.UTF_8), mode);

    Sandbox.Result result = sandbox.run("/sbin/setuser", "app", command);

    result.hasStatus(126);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr())
        .isEqualTo("setuser: cannot execute " + command + ": Permission denied\n");
  }

  @Test
  @Timeout(90)
  void runitServiceRunsAsTheUserAndRestartsAfterKill() throws Exception {
    sandbox.service("memcached", "exec /sbin/setuser app /bin/sleep 1000");
    sandbox.script(
        "/usr/local/bin/service-check",
        """
        # The pid of the service once setuser has exec'd /bin/sleep, other than $1.
        service_pid() {
          i=0
          while [ $i -lt 1200 ]; do
            p=$(cat /etc/service/memcached/supervise/pid 2>/dev/null)
            if [ -n "$p" ] && [ "$p" != "$1" ] && [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ]; then
              echo $p; return
            fi
            i=$((i+1)); sleep 0.05
          done
          echo none
        }
        uids() { sed -n 's/^Uid:\\t//p' /proc/$1/status | tr '\\t' ' '; }
        first=$(service_pid 0)
        echo "first $first $(uids $first)"
        kill -9 $first
        second=$(service_pid $first)
        echo "second $second $(uids $second)"
        ps -o user=,comm= -p $second""");

    Sandbox.Result result =
        sandbox
            .start("/sbin/my_init", "--", "/usr/local/bin/service-check")
            .await(Duration.ofSeconds(60));

    result.hasStatus(0);
    List<String> lines = result.stdout().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("first \\d+ 1500 1500 1500 1500");
    assertThat(lines.get(1)).matches("second \\d+ 1500 1500 1500 1500");
    assertThat(lines.get(1).split(" ")[1]).isNotEqualTo(lines.get(0).split(" ")[1]);
    assertThat(lines.get(2).trim()).matches("app +sleep");
  }
}
