package io.baseimage.setuser;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.Errno;
import io.baseimage.startup.Version;
import io.baseimage.testing.FakePosix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path bin;
  private String program;
  private ContainerEnvironment environment;

  /** What {@link Main#run} did: exec'd (exec set) or returned a status. */
  record Outcome(Integer status, FakePosix.Exec exec, String out, String err) {
    Map<String, String> environment() {
      Map<String, String> variables = new LinkedHashMap<>();
      for (byte[] entry : exec.environ()) {
        String text = new String(entry, UTF_8);
        variables.put(text.substring(0, text.indexOf('=')), text.substring(text.indexOf('=') + 1));
      }
      return variables;
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    program = executable("prog").toString();
    environment =
        ContainerEnvironment.of(
            Map.of(
                "PATH",
                bin.toString(),
                "HOME",
                "/root",
                "USER",
                "root",
                "UID",
                "0",
                "LANG",
                "C.UTF-8"));
  }

  private Path executable(String name) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private Outcome run(FakePosix posix, String... args) {
    return run(posix, environment, Arrays.stream(args).map(a -> a.getBytes(UTF_8)).toList());
  }

  private static Outcome run(FakePosix posix, ContainerEnvironment environment, List<byte[]> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      int status = Main.run(args, () -> environment, () -> posix, out, err);
      return new Outcome(status, null, out.toString(UTF_8), err.toString(UTF_8));
    } catch (FakePosix.Exec exec) {
      return new Outcome(null, exec, out.toString(UTF_8), err.toString(UTF_8));
    }
  }

  private static FakePosix rootWithUsers() {
    return new FakePosix()
        .user("root", 0, 0, "/root")
        .user("app", 500, 500, "/home/app")
        .user("nobody", 65534, 65534, "/nonexistent")
        .group("staff", 50)
        .group("app", 500);
  }

  // ---------------------------------------------------------------- the switch and its order

  @Test
  void switchesAPlainUserInOrderLookupInitgroupsSetgidSetuidExec() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "app", "prog", "--flag");

    assertThat(outcome.exec()).isNotNull();
    assertThat(posix.calls())
        .containsExactly(
            "getpwnam(app)",
            "initgroups(app, 500)",
            "setgid(500)",
            "setuid(500)",
            "closeOnExec(3)",
            "execve(" + program + ")");
    assertThat(outcome.out()).isEmpty();
    assertThat(outcome.err()).isEmpty();
  }

  @Test
  void execsTheCommandFoundOnPathWithItsArgumentsAsGiven() {
    Outcome outcome = run(rootWithUsers(), "app", "prog", "a b", "", "--flag");

    assertThat(new String(outcome.exec().path(), UTF_8)).isEqualTo(program);
    assertThat(outcome.exec().argv())
        .map(a -> new String(a, UTF_8))
        .containsExactly("prog", "a b", "", "--flag");
  }

  @Test
  void execsACommandWithASlashWithoutSearchingPath() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "app", "/no/such/dir/prog");

    assertThat(new String(outcome.exec().path(), UTF_8)).isEqualTo("/no/such/dir/prog");
  }

  @Test
  void givesAnExplicitGroupAsTheOnlyGroup() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "app:staff", "prog");

    assertThat(outcome.exec()).isNotNull();
    assertThat(posix.calls())
        .containsExactly(
            "getpwnam(app)",
            "getgrnam(staff)",
            "setgroups([50])",
            "setgid(50)",
            "setuid(500)",
            "closeOnExec(3)",
            "execve(" + program + ")");
    assertThat(outcome.environment())
        .containsEntry("USER", "app")
        .containsEntry("HOME", "/home/app");
  }

  @Test
  void takesANumericGroupWithoutLookingItUp() {
    FakePosix posix = rootWithUsers();

    run(posix, "app:1234", "prog");

    assertThat(posix.calls())
        .containsExactly(
            "getpwnam(app)",
            "setgroups([1234])",
            "setgid(1234)",
            "setuid(500)",
            "closeOnExec(3)",
            "execve(" + program + ")");
  }

  @Test
  void treatsANumericUidWithAnEntryLikeItsName() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "500", "prog");

    assertThat(posix.calls())
        .containsExactly(
            "getpwuid(500)",
            "initgroups(app, 500)",
            "setgid(500)",
            "setuid(500)",
            "closeOnExec(3)",
            "execve(" + program + ")");
    assertThat(outcome.environment())
        .containsEntry("USER", "app")
        .containsEntry("HOME", "/home/app")
        .containsEntry("UID", "500");
  }

  @Test
  void runsANumericUidWithoutEntryWithTheSameGidOnlyAndHomeSlash() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "12345", "prog");

    assertThat(posix.calls())
        .containsExactly(
            "getpwuid(12345)",
            "setgroups([12345])",
            "setgid(12345)",
            "setuid(12345)",
            "closeOnExec(3)",
            "execve(" + program + ")");
    assertThat(outcome.environment())
        .containsEntry("USER", "12345")
        .containsEntry("HOME", "/")
        .containsEntry("UID", "12345");
  }

  @Test
  void runsANumericUidWithoutEntryWithTheGivenGroup() {
    FakePosix posix = rootWithUsers();

    run(posix, "12345:staff", "prog");

    assertThat(posix.calls())
        .containsExactly(
            "getpwuid(12345)",
            "getgrnam(staff)",
            "setgroups([50])",
            "setgid(50)",
            "setuid(12345)",
            "closeOnExec(3)",
            "execve(" + program + ")");
  }

  @Test
  void handlesTheLargestUidAsUnsigned() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "4294967294:4294967294", "prog");

    assertThat(posix.calls())
        .containsExactly(
            "getpwuid(4294967294)",
            "setgroups([4294967294])",
            "setgid(4294967294)",
            "setuid(4294967294)",
            "closeOnExec(3)",
            "execve(" + program + ")");
    assertThat(outcome.environment())
        .containsEntry("UID", "4294967294")
        .containsEntry("USER", "4294967294");
  }

  @Test
  void usesSlashForAnEmptyHomeField() {
    FakePosix posix = rootWithUsers().user("homeless", 600, 600, "");

    assertThat(run(posix, "homeless", "prog").environment()).containsEntry("HOME", "/");
  }

  @Test
  void switchesRootToRootToo() {
    FakePosix posix = rootWithUsers();

    run(posix, "root", "prog");

    assertThat(posix.calls())
        .containsExactly(
            "getpwnam(root)",
            "initgroups(root, 0)",
            "setgid(0)",
            "setuid(0)",
            "closeOnExec(3)",
            "execve(" + program + ")");
  }

  // ---------------------------------------------------------------- environment

  @Test
  void setsUserHomeAndUidAndKeepsEverythingElseByteExact() {
    ByteString invalidUtf8 = ByteString.of(new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
    ByteString rawName = ByteString.of(new byte[] {'R', 'A', 'W', (byte) 0xe9});
    ContainerEnvironment given =
        environment
            .with(ByteString.of("BINARY"), invalidUtf8)
            .with("GREETING", "héllo wörld")
            .with(rawName, ByteString.of("1"))
            .with("EMPTY", "");

    Outcome outcome =
        run(rootWithUsers(), given, List.of("app".getBytes(UTF_8), "prog".getBytes(UTF_8)));

    ContainerEnvironment expected =
        given.with("USER", "app").with("HOME", "/home/app").with("UID", "500");
    assertThat(outcome.exec().environ()).containsExactlyElementsOf(expected.toEnviron());
    assertThat(outcome.exec().environ())
        .anySatisfy(e -> assertThat(e).isEqualTo(bytes("BINARY=", 0xff, 0xfe, 'x')))
        .anySatisfy(e -> assertThat(e).isEqualTo(bytes("RAW", 0xe9, '=', '1')))
        .anySatisfy(e -> assertThat(e).isEqualTo("GREETING=héllo wörld".getBytes(UTF_8)))
        .anySatisfy(e -> assertThat(e).isEqualTo("EMPTY=".getBytes(UTF_8)));
    assertThat(outcome.environment())
        .containsEntry("USER", "app")
        .containsEntry("HOME", "/home/app")
        .containsEntry("UID", "500")
        .containsEntry("PATH", bin.toString())
        .containsEntry("LANG", "C.UTF-8")
        .doesNotContainKeys("LOGNAME", "SHELL", "GROUP", "GID");
  }

  @Test
  void passesArgumentsThatAreNotUtf8ByteExact() {
    byte[] raw = {(byte) 0xff, 'a', (byte) 0x80};

    Outcome outcome =
        run(
            rootWithUsers(),
            environment,
            List.of("app".getBytes(UTF_8), "prog".getBytes(UTF_8), raw));

    assertThat(outcome.exec().argv().get(1)).isEqualTo(raw);
  }

  // ---------------------------------------------------------------- not root

  @Test
  void execsWithoutSwitchingWhenNotRootAndAlreadyTheTarget() {
    FakePosix posix = new FakePosix().uid(500).gid(500).user("app", 500, 500, "/home/app");

    Outcome outcome = run(posix, "app", "prog");

    assertThat(posix.calls())
        .containsExactly("getpwnam(app)", "closeOnExec(3)", "execve(" + program + ")");
    assertThat(outcome.environment())
        .containsEntry("USER", "app")
        .containsEntry("HOME", "/home/app")
        .containsEntry("UID", "500");
  }

  @Test
  void execsWithoutSwitchingWhenNotRootAndTheSameNumericIds() {
    FakePosix posix = new FakePosix().uid(1000).gid(1000);

    Outcome outcome = run(posix, "1000:1000", "prog");

    assertThat(posix.calls())
        .containsExactly("getpwuid(1000)", "closeOnExec(3)", "execve(" + program + ")");
    assertThat(outcome.exec()).isNotNull();
  }

  @Test
  void refusesAnotherUserWhenNotRoot() {
    FakePosix posix =
        new FakePosix()
            .uid(500)
            .gid(500)
            .user("app", 500, 500, "/home/app")
            .user("nobody", 65534, 65534, "/nonexistent");

    Outcome outcome = run(posix, "nobody", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).isEqualTo("setuser: must be run as root\n");
    assertThat(posix.calls()).containsExactly("getpwnam(nobody)");
  }

  @Test
  void refusesAnotherGroupWhenNotRoot() {
    FakePosix posix =
        new FakePosix().uid(500).gid(500).user("app", 500, 500, "/home/app").group("staff", 50);

    Outcome outcome = run(posix, "app:staff", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).isEqualTo("setuser: must be run as root\n");
    assertThat(posix.calls()).doesNotContain("execve(" + program + ")");
  }

  // ---------------------------------------------------------------- errors

  @Test
  void reportsAnUnknownUser() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "nosuch", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).isEqualTo("setuser: user nosuch not found\n");
    assertThat(outcome.out()).isEmpty();
    assertThat(posix.calls()).containsExactly("getpwnam(nosuch)");
  }

  @Test
  void reportsAnUnknownGroup() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "app:nosuch", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).isEqualTo("setuser: group nosuch not found\n");
    assertThat(posix.calls()).containsExactly("getpwnam(app)", "getgrnam(nosuch)");
  }

  @Test
  void reportsAnInvalidSpec() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "a:b:c", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).isEqualTo("setuser: invalid user spec 'a:b:c': more than one ':'\n");
    assertThat(posix.calls()).isEmpty();
  }

  @Test
  void reportsACommandNotFoundWith127AfterSwitching() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "app", "nosuchprog", "x");

    assertThat(outcome.status()).isEqualTo(127);
    assertThat(outcome.err())
        .isEqualTo("setuser: cannot execute nosuchprog: No such file or directory\n");
    assertThat(posix.calls())
        .containsExactly("getpwnam(app)", "initgroups(app, 500)", "setgid(500)", "setuid(500)");
  }

  @Test
  void reportsACommandThatIsNotExecutableWith126() throws IOException {
    Path file = bin.resolve("data");
    Files.writeString(file, "not a program\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    FakePosix posix = rootWithUsers().failing("execve", Errno.EACCES, "Permission denied");

    Outcome outcome = run(posix, "app", "data");

    assertThat(outcome.status()).isEqualTo(126);
    assertThat(outcome.err()).isEqualTo("setuser: cannot execute data: Permission denied\n");
    // Like execvp: the file is found, and exec gives EACCES.
    assertThat(posix.calls()).last().isEqualTo("execve(" + file + ")");
  }

  @Test
  void mapsExecFailureEnoentTo127() {
    FakePosix posix = rootWithUsers().failing("execve", Errno.ENOENT, "No such file or directory");

    Outcome outcome = run(posix, "app", "/no/such/prog");

    assertThat(outcome.status()).isEqualTo(127);
    assertThat(outcome.err())
        .isEqualTo("setuser: cannot execute /no/such/prog: No such file or directory\n");
  }

  @Test
  void mapsExecFailureEaccesTo126() {
    FakePosix posix = rootWithUsers().failing("execve", Errno.EACCES, "Permission denied");

    Outcome outcome = run(posix, "app", "/srv/prog");

    assertThat(outcome.status()).isEqualTo(126);
    assertThat(outcome.err()).isEqualTo("setuser: cannot execute /srv/prog: Permission denied\n");
  }

  @Test
  void mapsExecFailureEnoexecTo126() {
    FakePosix posix = rootWithUsers().failing("execve", Errno.ENOEXEC, "Exec format error");

    Outcome outcome = run(posix, "app", "prog");

    assertThat(outcome.status()).isEqualTo(126);
    assertThat(outcome.err()).isEqualTo("setuser: cannot execute prog: Exec format error\n");
  }

  @Test
  void stopsBeforeSetgidWhenTheGroupsCannotBeSet() {
    FakePosix posix = rootWithUsers().failing("initgroups", Errno.EPERM, "Operation not permitted");

    Outcome outcome = run(posix, "app", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err())
        .isEqualTo("setuser: initgroups(app, 500) failed: EPERM (Operation not permitted)\n");
    assertThat(posix.calls()).containsExactly("getpwnam(app)", "initgroups(app, 500)");
  }

  @Test
  void stopsBeforeSetgidWhenSetgroupsFails() {
    FakePosix posix = rootWithUsers().failing("setgroups", Errno.EPERM, "Operation not permitted");

    Outcome outcome = run(posix, "app:staff", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err())
        .isEqualTo("setuser: setgroups([50]) failed: EPERM (Operation not permitted)\n");
    assertThat(posix.calls()).last().isEqualTo("setgroups([50])");
  }

  @Test
  void stopsBeforeSetuidWhenSetgidFails() {
    FakePosix posix = rootWithUsers().failing("setgid", Errno.EPERM, "Operation not permitted");

    Outcome outcome = run(posix, "app", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err())
        .isEqualTo("setuser: setgid(500) failed: EPERM (Operation not permitted)\n");
    assertThat(posix.calls()).last().isEqualTo("setgid(500)");
  }

  @Test
  void neverExecsWhenSetuidFails() {
    FakePosix posix = rootWithUsers().failing("setuid", Errno.EPERM, "Operation not permitted");

    Outcome outcome = run(posix, "app", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err())
        .isEqualTo("setuser: setuid(500) failed: EPERM (Operation not permitted)\n");
    assertThat(outcome.exec()).isNull();
    assertThat(posix.calls()).last().isEqualTo("setuid(500)");
  }

  @Test
  void neverExecsWhenDescriptorsCannotBeMarkedCloseOnExec() {
    FakePosix posix = rootWithUsers().failing("closeOnExec", 24, "Too many open files");

    Outcome outcome = run(posix, "app", "prog");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err())
        .isEqualTo("setuser: closeOnExec(3) failed: EMFILE (Too many open files)\n");
    assertThat(outcome.exec()).isNull();
  }

  // ---------------------------------------------------------------- usage, help, version

  @Test
  void answersHelpVersionAndUsageWithoutTheEnvironmentOrTheCLibrary() {
    Map<String, Integer> statuses = Map.of("--help", 0, "--version", 0, "app", 1);
    for (Map.Entry<String, Integer> call : statuses.entrySet()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status =
          Main.run(
              List.of(call.getKey().getBytes(UTF_8)),
              () -> {
                throw new AssertionError("read the environment");
              },
              () -> {
                throw new AssertionError("loaded the native layer");
              },
              out,
              out);
      assertThat(status).as(call.getKey()).isEqualTo(call.getValue());
    }
  }

  @Test
  void printsUsageForNoArguments() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix);

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).isEqualTo("Usage: /sbin/setuser USERNAME COMMAND [args..]\n");
    assertThat(outcome.out()).isEmpty();
    assertThat(posix.calls()).isEmpty();
  }

  @Test
  void printsUsageForAUserWithoutCommand() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "app");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).isEqualTo("Usage: /sbin/setuser USERNAME COMMAND [args..]\n");
    assertThat(posix.calls()).isEmpty();
  }

  @Test
  void printsHelpNamingTheUserForms() {
    FakePosix posix = rootWithUsers();

    Outcome outcome = run(posix, "--help");

    assertThat(outcome.status()).isZero();
    assertThat(outcome.out())
        .startsWith("Usage: /sbin/setuser USERNAME COMMAND [args..]\n\n")
        .contains("name:group", "uid:gid", "USER, HOME and UID", "126", "127")
        .endsWith("\n");
    assertThat(outcome.err()).isEmpty();
    assertThat(posix.calls()).isEmpty();
  }

  @Test
  void printsTheVersion() {
    Outcome outcome = run(rootWithUsers(), "--version");

    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).isEqualTo("setuser " + Version.current() + "\n");
    assertThat(Version.current()).isNotEqualTo("unknown");
  }

  @Test
  void passesHelpAfterTheCommandToTheCommand() {
    Outcome outcome = run(rootWithUsers(), "app", "prog", "--help");

    assertThat(outcome.exec().argv())
        .map(a -> new String(a, UTF_8))
        .containsExactly("prog", "--help");
    assertThat(outcome.out()).isEmpty();
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.writeBytes(s.getBytes(UTF_8));
      } else if (part instanceof Character c) {
        out.write(c);
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }
}
