package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.image.Commands.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The container image, built from the Containerfile on a local Debian 12 base with the real rootfs
 * overlay (target/overlay), running every example of the original image's README
 * (lambda-linux/baseimage-amzn's README.md, whose sections the tests name; docs/user-guide.md has
 * them all) as written, once with each {@link Engine}: {@code docker} is podman, then a docker
 * engine. An interactive {@code -t -i} session runs on a pseudo-terminal that gets its input typed
 * in.
 *
 * <p>Needs root, podman (.ci/podman-setup.sh) and a docker engine (.ci/docker-setup.sh). The image
 * is {@link TestImage}'s, shared with {@link KubeIT}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("engines")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ImageIT {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration SHORT = Duration.ofSeconds(30);

  /** How long to wait for something that happens within a second or two on an idle machine. */
  private static final Duration POLL = Duration.ofSeconds(60);

  private static String image;
  private static String derivedImage;

  // ---------------------------------------------------------------------------------- set-up

  static List<Engine> engines() {
    return Engine.underTest();
  }

  @Parameter Engine engine;

  @BeforeParameterizedClassInvocation
  static void buildImages(Engine engine) throws Exception {
    image = TestImage.require(engine, "ImageIT[" + engine + "]");
    derivedImage = buildDerivedImage(engine);
  }

  /** Builds {@code containerfile} as {@code IMAGE-NAME:it}. */
  private String buildImage(String containerfile, String name) throws IOException {
    Path dir = Files.createTempDirectory("image-it-" + name);
    try {
      Files.writeString(dir.resolve("Containerfile"), containerfile);
      String tag = image.replaceFirst(":[^:/]*$", "") + "-" + name + ":it";
      engine.build(dir, tag).hasStatus(0);
      return tag;
    } finally {
      Sandbox.sh("rm -rf '" + dir + "'", Duration.ofSeconds(10));
    }
  }

  /**
   * The README's "using the image as a base" examples, in one derived image: a build-time variable,
   * a memcached-style runit service started through setuser (sleep stands in for memcached, so the
   * test needs no package mirror), a startup script and /etc/rc.local.
   */
  private static String buildDerivedImage(Engine engine) throws IOException {
    Path dir = Files.createTempDirectory("image-it-derived");
    try {
      Files.writeString(
          dir.resolve("memcached.sh"),
          """
          #!/bin/sh
          # `/sbin/setuser memcache` runs the given command as the user `memcache`.
          exec /sbin/setuser memcache /bin/sleep 100000 >> /var/log/memcached.log 2>&1
          """);
      Files.writeString(
          dir.resolve("logtime.sh"),
          """
          #!/bin/sh
          date > /tmp/boottime.txt
          """);
      Files.writeString(
          dir.resolve("rc.local"),
          """
          #!/bin/sh
          test -s /tmp/boottime.txt && echo after-my_init.d > /tmp/rc-local.txt
          """);
      Files.writeString(
          dir.resolve("Containerfile"),
          """
          FROM %s
          CMD ["/sbin/my_init"]
          RUN echo Apachai Hopachai > /etc/container_environment/MY_NAME
          RUN groupadd --system memcache && useradd --system -g memcache -d /nonexistent -s /usr/sbin/nologin memcache
          RUN mkdir /etc/service/memcached
          ADD --chmod=755 memcached.sh /etc/service/memcached/run
          RUN mkdir -p /etc/my_init.d
          ADD --chmod=755 logtime.sh /etc/my_init.d/logtime.sh
          ADD --chmod=755 rc.local /etc/rc.local
          """
              .formatted(image));
      String tag = image.replaceFirst(":[^:/]*$", "") + "-derived:it";
      engine.build(dir, tag).hasStatus(0);
      return tag;
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  /**
   * {@code ENGINE run --rm --name N OPTIONS... IMAGE COMMAND...}; the container is removed in any
   * case.
   */
  private Result run(List<String> options, String img, String... command) {
    return inNewContainer(options, img, command, args -> engine.run(RUN, args));
  }

  /** {@link #run} on a terminal that gets {@code stdin} typed in, for {@code -t -i}. */
  private Result runOnTerminal(String stdin, List<String> options, String img, String... command) {
    return inNewContainer(options, img, command, args -> engine.runOnTerminal(RUN, stdin, args));
  }

  private Result inNewContainer(
      List<String> options, String img, String[] command, Function<String[], Result> runner) {
    String name = Engine.newName();
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", name));
    args.addAll(options);
    args.add(img);
    args.addAll(Arrays.asList(command));
    try {
      return runner.apply(args.toArray(String[]::new));
    } finally {
      engine.removeContainer(name);
    }
  }

  /** A detached container ({@code docker run -d IMAGE}), removed by close(). */
  private record Daemon(Engine engine, String name) implements AutoCloseable {
    static Daemon start(Engine engine, String img, String... options) {
      String name = Engine.newName();
      List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
      args.addAll(Arrays.asList(options));
      args.add(img);
      try {
        engine.run(RUN, args.toArray(String[]::new)).hasStatus(0);
      } catch (AssertionError e) {
        engine.removeContainer(name);
        throw e;
      }
      return new Daemon(engine, name);
    }

    Result exec(String... command) {
      List<String> args = new ArrayList<>(List.of("exec", name));
      args.addAll(Arrays.asList(command));
      return engine.run(SHORT, args.toArray(String[]::new));
    }

    /** Waits until runit reports every service under /etc/service up. */
    Result awaitServicesUp(int count) {
      Result status =
          engine.poll(
              POLL,
              r ->
                  r.exitCode() == 0
                      && r.stdout().lines().filter(l -> l.startsWith("run: ")).count() == count,
              "exec",
              name,
              "sh",
              "-c",
              "sv status /etc/service/*");
      assertThat(status.stdout().lines().filter(l -> l.startsWith("run: ")))
          .as("all %d services up:\n%s\nlogs:\n%s", count, status.describe(), logs())
          .hasSize(count);
      return status;
    }

    String logs() {
      Result logs = engine.run(SHORT, "logs", name);
      return logs.stdout() + logs.stderr();
    }

    @Override
    public void close() {
      engine.removeContainer(name);
    }
  }

  private static final Pattern RUNIT_PID =
      Pattern.compile("\\*\\*\\* Runit started as PID (\\d+)\n");

  private static String runitPid(Result result) {
    Matcher m = RUNIT_PID.matcher(result.stderr());
    assertThat(m.find()).as("'*** Runit started as PID N' in\n%s", result.describe()).isTrue();
    return m.group(1);
  }

  // ---------------------------------------------------------------------------------- README:
  // docker run -d + exec

  /** README "Building and running": {@code docker exec C /usr/bin/pstree}. */
  @Test
  void pstreeShowsMyInitRunsvdirAndBothServices() {
    try (Daemon c = Daemon.start(engine, image)) {
      c.awaitServicesUp(2);
      // The README's shape, process tree only: -T hides threads (the JVM's, rsyslogd's).
      Result tree =
          engine.poll(
              POLL,
              r -> r.stdout().contains("rsyslogd") && r.stdout().contains("cron"),
              "exec",
              c.name(),
              "/usr/bin/pstree",
              "-T");
      assertThat(tree.stdout())
          .as(tree.describe())
          .isIn(
              "my_init---runsvdir-+-runsv---rsyslogd\n                   `-runsv---cron\n",
              "my_init---runsvdir-+-runsv---cron\n                   `-runsv---rsyslogd\n");

      // As written in the README: the same tree plus thread entries ({my_init} = JVM threads).
      Result plain = c.exec("/usr/bin/pstree").hasStatus(0);
      assertThat(plain.stdout())
          .as(plain.describe())
          .startsWith("my_init-")
          .containsPattern("my_init-[+-]-runsvdir-\\+-runsv---")
          .containsPattern("runsv---rsyslogd(---\\d*\\*?\\[?\\{rsyslogd\\}\\]?)?\n")
          .contains("runsv---cron\n")
          .contains("{my_init}");
      // Nothing else in the container: every line is part of the runsvdir tree or a thread entry.
      assertThat(plain.stdout().lines().skip(1))
          .as(plain.describe())
          .allMatch(
              line ->
                  line.matches("\\s*(\\|\\s+)?[`|]-runsv---(rsyslogd.*|cron)")
                      || line.matches("\\s*`-(\\d+\\*\\[)?\\{my_init}]?"));

      Result pids = c.exec("/usr/bin/pstree", "-p", "-T").hasStatus(0);
      assertThat(pids.stdout()).as(pids.describe()).startsWith("my_init(1)---runsvdir(");
    }
  }

  /**
   * docs/user-guide.md, "Health checks: my_init --status": {@code --health-cmd} as a Dockerfile's
   * {@code HEALTHCHECK CMD}, healthy while the services are up, unhealthy when one is down.
   */
  @Test
  void healthCheckWithMyInitStatusIsHealthyWhileTheServicesAreUp() {
    List<String> options = new ArrayList<>(List.of("--health-cmd", "/sbin/my_init --status"));
    options.addAll(engine.healthCheckOptions());
    try (Daemon c = Daemon.start(engine, image, options.toArray(String[]::new))) {
      Result healthy = engine.awaitHealth(c.name(), "healthy", POLL);
      assertThat(healthy.stdout().strip())
          .as("%s\nlogs:\n%s", healthy.describe(), c.logs())
          .isEqualTo("healthy");
      Result status = c.exec("/sbin/my_init", "--status").hasStatus(0);
      assertThat(status.stdout())
          .as(status.describe())
          .matches(
              "my_init: running since \\S+Z \\(\\d+ s\\), pid 1\n"
                  + "cron: up \\(pid \\d+\\) for \\d+ s\n"
                  + "rsyslog: up \\(pid \\d+\\) for \\d+ s\n");

      c.exec("sv", "-w", "30", "down", "cron").hasStatus(0);
      Result unhealthy = engine.awaitHealth(c.name(), "unhealthy", POLL);
      assertThat(unhealthy.stdout().strip()).as(unhealthy.describe()).isEqualTo("unhealthy");
      assertThat(c.exec("/sbin/my_init", "--status").hasStatus(1).stdout())
          .containsPattern("\ncron: down for \\d+ s, normally up\n");

      c.exec("sv", "up", "cron").hasStatus(0);
      Result again = engine.awaitHealth(c.name(), "healthy", POLL);
      assertThat(again.stdout().strip()).as(again.describe()).isEqualTo("healthy");
    }
  }

  /** README "Running a command in an existing container". */
  @Test
  void execRunsCommandsInTheRunningContainer() {
    try (Daemon c = Daemon.start(engine, image, "--env", "HELLO=my beautiful world")) {
      Result echo = c.exec("/bin/echo", "hello", "world").hasStatus(0);
      assertThat(echo.stdout()).isEqualTo("hello world\n");

      // docker exec -t -i C /bin/bash -l, with the session's input typed in.
      c.awaitServicesUp(2);
      Result bash =
          engine.runOnTerminal(
              SHORT,
              "echo \"[$HELLO] [$(id -un)]\"\nexit\n",
              "exec",
              "-t",
              "-i",
              c.name(),
              "/bin/bash",
              "-l");
      assertThat(bash.exitCode()).as(bash.describe()).isZero();
      assertThat(bash.stdout())
          .as(bash.describe())
          .contains("[my beautiful world] [root]")
          .containsPattern("\\[root@[0-9a-f]{12}] / # ");
    }
  }

  /**
   * {@code docker stop}: my_init shuts down by itself, well inside the default 10 s grace period.
   */
  @Test
  void stopEndsTheContainerCleanlyAndQuickly() {
    try (Daemon c = Daemon.start(engine, image)) {
      c.awaitServicesUp(2);
      Result stop = engine.run(SHORT, "stop", c.name()).hasStatus(0);
      Result state =
          engine.run(
              SHORT, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", c.name());
      // SIGTERM -> 2, as phusion's (docs/user-guide.md, "Exit status"). That is also the proof of
      // "within the grace period": at its end the engine SIGKILLs, and the status is 137. The
      // engine's own time is no product figure.
      assertThat(state.stdout().strip()).as(state.describe()).isEqualTo("exited 2");
      String logs = c.logs();
      assertThat(logs)
          .as(logs)
          .containsSubsequence(
              "*** Booting runit daemon...\n",
              "*** Runit started as PID ",
              "*** Shutting down runit daemon (PID ",
              "*** Init system aborted.\n",
              "*** Killing all processes...\n");
      assertThat(logs)
          .as(logs)
          .doesNotContain("Not all processes have exited in time", "Exception");
      System.out.println("ImageIT: " + engine + " stop took " + stop.elapsed().toMillis() + " ms");
    }
  }

  /**
   * {@code docker stop} with the default settings and grace period, against a service and an orphan
   * that both ignore SIGTERM: my_init's shutdown deadline (9 s) ends it before the engine's SIGKILL
   * (10 s).
   */
  @Test
  void stopWithEverythingIgnoringTermStillEndsWithMyInitsOwnStatus() throws Exception {
    Path service = Files.createTempDirectory("stubborn");
    try {
      Path run = service.resolve("run");
      Files.writeString(
          run,
          "#!/bin/sh\ntrap '' TERM\nsetsid sh -c \"trap '' TERM; exec sleep 1000\" &\nexec sleep 1000\n");
      Files.setPosixFilePermissions(
          run, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      try (Daemon c = Daemon.start(engine, image, "-v", service + ":/etc/service/stubborn")) {
        c.awaitServicesUp(3);
        Result stop = engine.run(SHORT, "stop", c.name()).hasStatus(0);
        System.out.println(
            "ImageIT: "
                + engine
                + " stop, everything ignoring TERM, took "
                + stop.elapsed().toMillis()
                + " ms");
        Result state =
            engine.run(
                SHORT, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", c.name());
        // 137 would be the engine's SIGKILL at the end of the grace period.
        assertThat(state.stdout().strip()).as(state.describe() + c.logs()).isEqualTo("exited 2");
        assertThat(c.logs())
            .contains(
                "*** WARNING: MY_INIT_SHUTDOWN_TIMEOUT (9 s) has passed: what was still running was killed.\n",
                "*** Init system aborted.\n");
      }
    } finally {
      Sandbox.sh("rm -rf '" + service + "'", Duration.ofSeconds(10));
    }
  }

  // ---------------------------------------------------------------------------------- README:
  // inspecting, environment

  /** README "Environment variables", with {@code -c} for the typed commands. */
  @Test
  void envVariablesReachTheLoginShell() {
    Result r =
        run(
                List.of("--env", "FOO=bar", "--env", "HELLO=my beautiful world"),
                image,
                "/sbin/my_init",
                "--",
                "/bin/bash",
                "-l",
                "-c",
                "echo $FOO; echo $HELLO")
            .hasStatus(0);
    assertThat(r.stdout()).as(r.describe()).isEqualTo("bar\nmy beautiful world\n");
    assertThat(r.stderr())
        .as(r.describe())
        .contains("*** Running /bin/bash -l -c echo $FOO; echo $HELLO...\n");
  }

  /** README "Environment variables", as written: an interactive {@code -t -i} login shell. */
  @Test
  void interactiveLoginShellSeesTheVariables() {
    Result r =
        runOnTerminal(
            "echo \"[$FOO]\"\necho \"[$HELLO]\"\nexit\n",
            List.of("-t", "-i", "--env", "FOO=bar", "--env", "HELLO=my beautiful world"),
            image,
            "/sbin/my_init",
            "--",
            "/bin/bash",
            "-l");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    // A terminal is one output: stderr is in stdout.
    assertThat(r.stdout())
        .as(r.describe())
        .contains("*** Running /bin/bash -l...")
        .containsPattern("\\[root@[0-9a-f]{12}] / # ")
        .contains("[bar]", "[my beautiful world]")
        .contains("*** /bin/bash -l exited with status 0.");
  }

  /**
   * With a terminal, the command's process group owns it, and Ctrl-C reaches the command
   * (docs/user-guide.md, "Inspecting the image").
   */
  @Test
  @Timeout(90)
  void commandOwnsTheTerminalAndGetsCtrlC() throws Exception {
    String script =
        "[ \"$(ps -o tpgid= -p $$)\" -eq \"$(ps -o pgid= -p $$)\" ] && echo FOREGROUND;"
            + " trap 'echo GOT_INT; exit 5' INT; echo READY; read line; echo NOT_INTERRUPTED";
    String name = Engine.newName();
    Process terminal =
        new ProcessBuilder(
                Engine.onTerminal(
                    engine.command(
                        "run",
                        "--rm",
                        "-t",
                        "-i",
                        "--name",
                        name,
                        image,
                        "/sbin/my_init",
                        "--skip-runit",
                        "--",
                        "/bin/sh",
                        "-c",
                        script)))
            .redirectErrorStream(true)
            .start();
    try {
      StringBuilder output = new StringBuilder();
      var in = terminal.getInputStream();
      int c;
      while (output.indexOf("READY\r") < 0 && (c = in.read()) >= 0) {
        output.append((char) c);
      }
      // ETX (Ctrl-C) typed on the terminal: the line discipline signals the foreground group only.
      terminal.getOutputStream().write(3);
      terminal.getOutputStream().flush();
      output.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      assertThat(terminal.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output.toString())
          // Output lines on a terminal end in \r\n; the "*** Running" line holds the words too.
          .contains("FOREGROUND\r", "GOT_INT\r", "exited with status 5.")
          .doesNotContain("NOT_INTERRUPTED\r", "Init system aborted");
      assertThat(terminal.exitValue()).as(output.toString()).isEqualTo(5);
    } finally {
      terminal.destroyForcibly();
      engine.removeContainer(name);
    }
  }

  /** README "Inspecting": {@code my_init -- /sbin/setuser ll-user /bin/bash -l}. */
  @Test
  void setuserGivesALoginShellAsLlUser() {
    Result r =
        run(
                List.of(),
                image,
                "/sbin/my_init",
                "--",
                "/sbin/setuser",
                "ll-user",
                "/bin/bash",
                "-l",
                "-c",
                "id; echo $HOME")
            .hasStatus(0);
    assertThat(r.stdout())
        .as(r.describe())
        .isEqualTo("uid=500(ll-user) gid=500(ll-user) groups=500(ll-user)\n/home/ll-user\n");

    Result tty =
        runOnTerminal(
            "echo \"[$(id -un) $HOME]\"\nexit\n",
            List.of("-t", "-i"),
            image,
            "/sbin/my_init",
            "--",
            "/sbin/setuser",
            "ll-user",
            "/bin/bash",
            "-l");
    assertThat(tty.exitCode()).as(tty.describe()).isZero();
    assertThat(tty.stdout())
        .as(tty.describe())
        // ll-user's ~/.bashrc (from /etc/skel) sets the distribution's own prompt.
        .containsPattern("ll-user@[0-9a-f]{12}[^\\n]*\\$ ")
        .contains("[ll-user /home/ll-user]");
  }

  /** README "Defining environment variables in our image at build time". */
  @Test
  void buildTimeVariableFromTheEnvironmentDirectory() {
    Result r =
        run(
                List.of(),
                derivedImage,
                "/sbin/my_init",
                "--",
                "/bin/bash",
                "-l",
                "-c",
                "echo $MY_NAME")
            .hasStatus(0);
    assertThat(r.stdout()).as(r.describe()).isEqualTo("Apachai Hopachai\n");
  }

  /** README "Using environment variable dump files". */
  @Test
  void environmentDumpsAsInTheReadme() throws Exception {
    String script =
        String.join(
            "\n",
            "ls /etc/container_environment",
            "echo ==",
            "cat /etc/container_environment/FOO; echo",
            "cat /etc/container_environment/HELLO; echo",
            "echo ==",
            "cat /etc/container_environment.json",
            "echo ==",
            "source /etc/container_environment.sh",
            "echo $HELLO",
            "echo ==",
            "ls -la /etc/container_environment.sh",
            "ls -la /etc/container_environment.json");
    Result r =
        run(
                List.of("--env", "FOO=bar", "--env", "HELLO=my beautiful world"),
                image,
                "/sbin/my_init",
                "--",
                "/bin/bash",
                "-l",
                "-c",
                script)
            .hasStatus(0);
    String[] parts = r.stdout().split("==\n", -1);
    assertThat(parts).as(r.describe()).hasSize(5);

    // podman adds "container" to the environment; docker does not.
    assertThat(parts[0].lines())
        .as(r.describe())
        .containsAll(
            List.of("FOO", "HELLO", "HOME", "HOSTNAME", "LANG", "LC_CTYPE", "PATH", "PS1", "TERM"));
    assertThat(parts[1]).as(r.describe()).isEqualTo("bar\nmy beautiful world\n");

    // The JSON dump parses with a real JSON parser on the host.
    Result json = parseJson(parts[2]);
    assertThat(json.stdout())
        .as(json.describe() + "\n" + r.describe())
        .contains(
            "FOO=bar\n",
            "HELLO=my beautiful world\n",
            "LANG=en_US.UTF-8\n",
            "LC_CTYPE=en_US.UTF-8\n",
            "TERM=xterm\n",
            "HOME=/root\n",
            "PS1=[\\u@\\h] \\w \\$ \n",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    assertThat(json.stdout()).as(json.describe()).containsPattern("(?m)^HOSTNAME=[0-9a-f]{12}$");

    assertThat(parts[3]).as(r.describe()).isEqualTo("my beautiful world\n");
    assertThat(parts[4].lines())
        .as(r.describe())
        .satisfiesExactly(
            sh ->
                assertThat(sh)
                    .matches(
                        "-rw-r----- 1 root docker_env \\d+ .* /etc/container_environment\\.sh"),
            js ->
                assertThat(js)
                    .matches(
                        "-rw-r----- 1 root docker_env \\d+ .* /etc/container_environment\\.json"));
  }

  /** Parses {@code json} with jq (or python3) on the host; prints KEY=VALUE lines, sorted. */
  private static Result parseJson(String json) {
    if (Path.of("/usr/bin/jq").toFile().canExecute()) {
      return Commands.run(
              List.of("/usr/bin/jq", "-r", "to_entries[] | \"\\(.key)=\\(.value)\""),
              json,
              SHORT,
              null)
          .hasStatus(0);
    }
    return Commands.run(
            List.of(
                "python3",
                "-c",
                "import json, sys\nfor k, v in sorted(json.load(sys.stdin).items()): print(f'{k}={v}')"),
            json,
            SHORT,
            null)
        .hasStatus(0);
  }

  // ---------------------------------------------------------------------------------- README:
  // one-shot commands

  /** README "Running a one-shot command in a new container". */
  @Test
  void oneShotCommandPrintsTheLogLinesAndExitsZero() {
    Result r = run(List.of(), image, "/sbin/my_init", "--", "/bin/ls", "/").hasStatus(0);
    assertThat(r.stdout().lines()).as(r.describe()).contains("bin", "etc", "usr", "var");
    String pid = runitPid(r);
    assertThat(r.stderr())
        .as(r.describe())
        .containsSubsequence(
            "*** Booting runit daemon...\n",
            "*** Runit started as PID " + pid + "\n",
            "*** Running /bin/ls /...\n",
            "*** /bin/ls / exited with status 0.\n",
            "*** Shutting down runit daemon (PID " + pid + ")...\n",
            "*** Killing all processes...\n");
    assertThat(r.stderr()).as(r.describe()).doesNotContain("WARNING", "ERROR", "Exception");
  }

  @Test
  void oneShotCommandStatusPropagates() {
    Result r = run(List.of(), image, "/sbin/my_init", "--", "sh", "-c", "exit 7").hasStatus(7);
    assertThat(r.stderr())
        .as(r.describe())
        .contains("*** sh -c exit 7 exited with status 7.\n", "*** Killing all processes...\n");
  }

  /** README: {@code my_init --skip-startup-files --quiet -- /bin/ls}: nothing but the ls output. */
  @Test
  void quietOneShotPrintsOnlyTheCommandOutput() {
    Result plain = run(List.of(), image, "/bin/ls", "/").hasStatus(0);
    Result r =
        run(
                List.of(),
                derivedImage,
                "/sbin/my_init",
                "--skip-startup-files",
                "--quiet",
                "--",
                "/bin/ls",
                "/")
            .hasStatus(0);
    assertThat(r.stdout()).as(r.describe()).isEqualTo(plain.stdout());
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }

  // ---------------------------------------------------------------------------------- README:
  // services, startup scripts

  /** README "Adding additional daemons": the memcached runit entry through setuser. */
  @Test
  void setuserServiceRunsAsItsUserAndRestartsWhenKilled() {
    try (Daemon c = Daemon.start(engine, derivedImage)) {
      c.awaitServicesUp(3);
      String first = servicePid(c);
      Result user = c.exec("ps", "-o", "user=,args=", "-p", first).hasStatus(0);
      assertThat(user.stdout().strip()).as(user.describe()).matches("memcache +/bin/sleep 100000");
      // setuser replaced itself: runsv's child is the service, no JVM left behind.
      Result tree = c.exec("pstree", "-T").hasStatus(0);
      assertThat(tree.stdout())
          .as(tree.describe())
          .contains("runsv---sleep\n")
          .doesNotContain("java", "setuser");

      c.exec("kill", "-9", first).hasStatus(0);
      Result again =
          engine.poll(
              POLL,
              r -> r.exitCode() == 0 && !r.stdout().isBlank() && !r.stdout().strip().equals(first),
              "exec",
              c.name(),
              "pgrep",
              "-x",
              "sleep");
      String second = again.stdout().strip();
      assertThat(second).as(again.describe()).matches("\\d+").isNotEqualTo(first);
      Result user2 = c.exec("ps", "-o", "user=", "-p", second).hasStatus(0);
      assertThat(user2.stdout().strip()).isEqualTo("memcache");
      Result log = c.exec("ls", "-l", "/var/log/memcached.log").hasStatus(0);
      assertThat(log.stdout()).startsWith("-rw-");
    }
  }

  private static String servicePid(Daemon c) {
    Result r =
        c.engine().poll(POLL, x -> x.exitCode() == 0, "exec", c.name(), "pgrep", "-x", "sleep");
    assertThat(r.stdout().strip()).as(r.describe() + "\nlogs:\n" + c.logs()).matches("\\d+");
    return r.stdout().strip();
  }

  /** README "Running scripts during container startup": /etc/my_init.d, then /etc/rc.local. */
  @Test
  void startupScriptsRunAtBoot() {
    Result r =
        run(
                List.of(),
                derivedImage,
                "/sbin/my_init",
                "--",
                "/bin/sh",
                "-c",
                "cat /tmp/boottime.txt /tmp/rc-local.txt")
            .hasStatus(0);
    assertThat(r.stdout().lines())
        .as(r.describe())
        .satisfiesExactly(
            date -> assertThat(date).containsPattern("\\d\\d:\\d\\d:\\d\\d"),
            rc -> assertThat(rc).isEqualTo("after-my_init.d"));
    assertThat(r.stderr())
        .as(r.describe())
        .containsSubsequence(
            "*** Running /etc/my_init.d/logtime.sh...\n",
            "*** Running /etc/rc.local...\n",
            "*** Booting runit daemon...\n");

    // In a long-running container too (docker run -d).
    try (Daemon c = Daemon.start(engine, derivedImage)) {
      Result boot =
          engine.poll(POLL, x -> x.exitCode() == 0, "exec", c.name(), "cat", "/tmp/boottime.txt");
      assertThat(boot.stdout()).as(boot.describe()).containsPattern("\\d\\d:\\d\\d:\\d\\d");
    }
  }

  // ---------------------------------------------------------------------------------- the image
  // itself
  // (docs/user-guide.md, "What is inside the image")

  /** rsyslog takes messages on /dev/log; after logrotate it writes to the new file (sv hup). */
  @Test
  void syslogWorksAndSurvivesLogrotate() {
    try (Daemon c = Daemon.start(engine, image)) {
      c.awaitServicesUp(2);
      for (String tag : List.of("image-it-before-rotate", "image-it-after-rotate")) {
        if (tag.endsWith("after-rotate")) {
          c.exec("logrotate", "-f", "/etc/logrotate.conf").hasStatus(0);
        }
        c.exec("logger", "-t", "image-it", tag).hasStatus(0);
        Result logged =
            engine.poll(
                POLL,
                r -> r.stdout().contains(tag),
                "exec",
                c.name(),
                "sh",
                "-c",
                "cat /var/log/syslog /var/log/messages 2>/dev/null");
        assertThat(logged.stdout())
            .as("%s in /var/log/syslog\n%s\nlogs:\n%s", tag, logged.describe(), c.logs())
            .contains(tag);
      }
      Result cron =
          c.exec("sh", "-c", "test -x /etc/cron.daily/logrotate && echo daily").hasStatus(0);
      assertThat(cron.stdout()).isEqualTo("daily\n");
    }
  }

  /** Users, groups, the environment directory and its defaults, locale, package caches. */
  @Test
  void usersFilesAndDefaults() {
    String script =
        String.join(
            "; ",
            "id ll-user",
            "getent passwd ll-user | cut -d: -f6,7",
            "stat -c '%u %g %a' /home/ll-user",
            "getent group docker_env | cut -d: -f1,3",
            "stat -c '%a %U %G' /etc/container_environment",
            "cd /etc/container_environment && for f in HOME LANG LC_CTYPE TERM PS1; do printf '%s=%s\\n' $f \"$(cat $f)\"; done",
            "stat -c '%a %U %G' /etc/container_environment.sh /etc/container_environment.json",
            "ls -d /etc/my_init.d /etc/my_init.pre_shutdown.d /etc/my_init.post_shutdown.d",
            "test -L /etc/service || echo service-dir",
            "LC_ALL=en_US.UTF-8 locale charmap",
            "ls /var/lib/apt/lists /var/cache/dnf 2>/dev/null | grep -cv -e lock -e partial -e : || true");
    Result r = run(List.of(), image, "/bin/sh", "-c", script).hasStatus(0);
    assertThat(r.stdout())
        .as(r.describe())
        .isEqualTo(
            """
        uid=500(ll-user) gid=500(ll-user) groups=500(ll-user)
        /home/ll-user:/bin/bash
        500 500 755
        docker_env:8377
        750 root docker_env
        HOME=/root
        LANG=en_US.UTF-8
        LC_CTYPE=en_US.UTF-8
        TERM=xterm
        PS1=[\\u@\\h] \\w \\$\s
        640 root docker_env
        640 root docker_env
        /etc/my_init.d
        /etc/my_init.post_shutdown.d
        /etc/my_init.pre_shutdown.d
        service-dir
        UTF-8
        0
        """);
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }

  // ---------------------------------------------------------------------------------- beyond the
  // README
  // (docs/user-guide.md, "Read-only and non-root containers")

  /**
   * {@code --read-only} (with docker's {@code --tmpfs /run}) boots, with one warning about the
   * dumps; the services still run.
   */
  @Test
  void readOnlyRootFilesystemStillBoots() {
    List<String> options = new ArrayList<>(engine.readOnlyOptions());
    options.addAll(List.of("--env", "FOO=x"));
    Result r =
        run(
                options,
                image,
                "/sbin/my_init",
                "--",
                "/bin/sh",
                "-c",
                "echo $FOO; for i in $(seq 600); do [ $(sv status /etc/service/* | grep -c '^run:') = 2 ] && break; "
                    + "sleep 0.1; done; sv status /etc/service/*")
            .hasStatus(0);
    assertThat(r.stdout().lines()).as(r.describe()).first().isEqualTo("x");
    assertThat(r.stdout())
        .as(r.describe())
        .contains("run: /etc/service/cron:", "run: /etc/service/rsyslog:");
    assertThat(r.stderr())
        .as(r.describe())
        .containsOnlyOnce("*** WARNING: cannot save the environment")
        .doesNotContain("supervise", "Exception");
  }

  /**
   * {@code --read-only} where /run is not writable either (docker's, without {@code --tmpfs /run}):
   * the services are left out with one warning each that names the fix, instead of crash-looping on
   * runit's "unable to open supervise/lock"; runsvdir scans an empty directory.
   */
  @Test
  void readOnlyWithoutATmpfsOnRunLeavesTheServicesOutWithAHint() {
    String script =
        "for i in $(seq 600); do set -- $(ps -o args= -C runsvdir); [ $# -ge 3 ] && break;"
            + " sleep 0.1; done; echo \"$3\"; ls -A \"$3\" | wc -l";
    Result r =
        run(engine.bareReadOnlyOptions(), image, "/sbin/my_init", "--", "sh", "-c", script)
            .hasStatus(0);
    assertThat(r.stdout())
        .as(r.describe())
        .matches("/dev/shm/baseimage-service\\.[0-9a-f]+\\.[0-9]+\n0\n");
    for (String service : List.of("cron", "rsyslog")) {
      assertThat(r.stderr())
          .as(r.describe())
          .containsOnlyOnce(
              "*** WARNING: /etc/service/"
                  + service
                  + " not started: runit cannot keep its state in /etc/service/"
                  + service
                  + "/supervise as uid 0 (/run is on a read-only file system; mount a tmpfs on"
                  + " /run: docker run --read-only needs --tmpfs /run, docs/user-guide.md,"
                  + " Docker).\n");
    }
    assertThat(r.stderr()).as(r.describe()).doesNotContain("fatal", "Exception");
  }

  /**
   * docs/user-guide.md, "Docker": under the engine's {@code --init}, my_init is its child, still
   * reaps the orphans of what it started, and {@code stop} ends the container with my_init's
   * status.
   */
  @Test
  void underTheEnginesInitMyInitStillRunsTheContainer() {
    try (Daemon c = Daemon.start(engine, image, "--init")) {
      c.awaitServicesUp(2);
      Result tree = c.exec("pstree", "-T").hasStatus(0);
      assertThat(tree.stdout())
          .as(tree.describe())
          .startsWith(engine.initName() + "---my_init---runsvdir-+-runsv---");
      engine.run(SHORT, "stop", c.name()).hasStatus(0);
      Result state =
          engine.run(
              SHORT, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", c.name());
      assertThat(state.stdout().strip()).as(state.describe() + c.logs()).isEqualTo("exited 2");
      assertThat(c.logs()).contains("*** Killing all processes...\n");
    }

    // An orphan of the command goes to my_init, the child subreaper, which reaps it when it ends.
    String script =
        String.join(
            "\n",
            "(sleep 300 &)",
            "orphan=$(pgrep -f -x 'sleep 300')",
            "echo \"parent $(ps -o comm= -p $(ps -o ppid= -p $orphan))\"",
            "kill $orphan",
            "for i in $(seq 600); do ps -p $orphan >/dev/null || break; sleep 0.1; done",
            "ps -o stat= -p $orphan || echo reaped");
    Result r =
        run(List.of("--init"), image, "/sbin/my_init", "--skip-runit", "--", "sh", "-c", script)
            .hasStatus(0);
    assertThat(r.stdout()).as(r.describe()).isEqualTo("parent my_init\nreaped\n");
  }

  /** {@code --version} of both tools is the image's version label ("What is inside the image"). */
  @Test
  void versionsMatchTheImageLabel() {
    String version = label("version");
    assertThat(version).matches("\\d{4}\\.\\d{2}-\\d{3}");
    Result myInit = run(List.of(), image, "/sbin/my_init", "--version").hasStatus(0);
    assertThat(myInit.stdout()).as(myInit.describe()).isEqualTo("my_init " + version + "\n");
    Result setuser = run(List.of(), image, "/sbin/setuser", "--version").hasStatus(0);
    assertThat(setuser.stdout()).as(setuser.describe()).isEqualTo("setuser " + version + "\n");
    Result cmd =
        engine
            .run(SHORT, "image", "inspect", "--format", "{{json .Config.Cmd}}", image)
            .hasStatus(0);
    assertThat(cmd.stdout().strip()).isEqualTo("[\"/sbin/my_init\"]");
  }

  private String label(String name) {
    return engine
        .run(
            SHORT,
            "image",
            "inspect",
            "--format",
            "{{index .Config.Labels \"" + name + "\"}}",
            image)
        .hasStatus(0)
        .stdout()
        .strip();
  }

  /**
   * "What is inside the image": the {@code io.baseimage.sbom} label names the CycloneDX SBOM in the
   * image, which a JSON parser on the host reads, and whose JDK is the runtime's own.
   */
  @Test
  void theSbomLabelNamesTheSbomOfTheRuntimeInTheImage() {
    String path = label("io.baseimage.sbom");
    assertThat(path).isEqualTo("/usr/lib/baseimage-java/sbom.cdx.json");
    Result sbom = run(List.of(), image, "cat", path).hasStatus(0);
    Result release = run(List.of(), image, "cat", "/usr/lib/baseimage-java/release").hasStatus(0);
    Result parsed =
        Commands.run(
                List.of(
                    "python3",
                    "-c",
                    "import json, sys\n"
                        + "bom = json.load(sys.stdin)\n"
                        + "print(bom['bomFormat'])\n"
                        + "for c in bom['components']: print(c['name'], c['version'])"),
                sbom.stdout(),
                SHORT,
                null)
            .hasStatus(0);
    String jdk =
        release
            .stdout()
            .lines()
            .filter(line -> line.startsWith("JAVA_RUNTIME_VERSION="))
            .map(line -> line.substring(line.indexOf('=') + 1).replace("\"", ""))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no JAVA_RUNTIME_VERSION in\n" + release.stdout()));
    assertThat(parsed.stdout().lines())
        .as(parsed.describe())
        .startsWith("CycloneDX")
        .contains("openjdk " + jdk)
        .anyMatch(line -> line.matches("env-core \\d{4}\\.\\d{2}-\\d{3}"))
        .anyMatch(line -> line.startsWith("jackson-core "))
        .anyMatch(line -> line.startsWith("jffi "));
  }

  /** {@code docker run --user 500} boots as non-root. */
  @Test
  void bootsAsNonRootUser() {
    Result r = run(List.of("--user", "500"), image, "/sbin/my_init", "--", "id", "-u").hasStatus(0);
    assertThat(r.stdout()).as(r.describe()).isEqualTo("500\n");
    assertThat(r.stderr())
        .as(r.describe())
        .contains(
            "*** id -u exited with status 0.\n",
            "*** /etc/service/rsyslog needs root: not started (my_init runs as uid 500).\n",
            "*** /etc/service/cron needs root: not started (my_init runs as uid 500).\n")
        .doesNotContain("Exception", "runsv");
    // Without the docker_env group the directory and the dumps are out of reach: warnings that say
    // why.
    assertThat(r.stderr().lines().filter(line -> line.startsWith("*** WARNING")))
        .as(r.describe())
        .hasSizeBetween(1, 2)
        .allMatch(line -> line.contains("(permission denied)"));
  }

  /**
   * {@code docker run --user 500 --group-add 8377} (Kubernetes {@code supplementalGroups}): the
   * build-time variables arrive, the root-only services are left out instead of crash-looping, and
   * a service the user can run is supervised and stopped as usual.
   */
  @Test
  void nonRootInTheDockerEnvGroupGetsTheVariablesAndRunsItsOwnService() throws Exception {
    String userImage =
        buildImage(
            """
        FROM %s
        RUN mkdir -p /etc/service/app && printf '#!/bin/sh\\ntrap "exit 0" TERM\\nwhile :; do sleep 0.1; done\\n' \\
            > /etc/service/app/run && chmod 755 /etc/service/app/run && chown 500:500 /etc/service/app
        """
                .formatted(derivedImage),
            "non-root");
    Result oneShot =
        run(
                List.of("--user", "500", "--group-add", "8377"),
                userImage,
                "/sbin/my_init",
                "--",
                "sh",
                "-c",
                "echo \"$MY_NAME\"")
            .hasStatus(0);
    assertThat(oneShot.stdout()).as(oneShot.describe()).isEqualTo("Apachai Hopachai\n");
    try (Daemon c = Daemon.start(engine, userImage, "--user", "500", "--group-add", "8377")) {
      Result status =
          engine.poll(
              POLL,
              r -> r.stdout().startsWith("run: "),
              "exec",
              "--user",
              "500",
              c.name(),
              "sv",
              "status",
              "/etc/service/app");
      assertThat(status.stdout())
          .as(status.describe() + c.logs())
          .startsWith("run: /etc/service/app");
      // runsvdir restarts a runsv that failed within a second or two: a crash loop shows by now.
      Thread.sleep(4000);
      engine.run(SHORT, "stop", c.name()).hasStatus(0);
      Result state = engine.run(SHORT, "inspect", "--format", "{{.State.ExitCode}}", c.name());
      String logs = c.logs();
      assertThat(state.stdout().strip()).as(logs).isEqualTo("2");
      assertThat(logs)
          .as(logs)
          .contains(
              "*** /etc/service/rsyslog needs root: not started (my_init runs as uid 500).\n",
              "*** WARNING: /etc/service/memcached not started: runit cannot keep its state in "
                  + "/etc/service/memcached/supervise as uid 500 (/etc/service/memcached is not"
                  + " writable; make it writable, or a symlink into /tmp: docs/operations.md,"
                  + " non-root).\n")
          .doesNotContain("runsv", "Exception", "did not stop");
    }
  }

  /**
   * OpenShift's random UID with gid 0: boots, nothing crash-loops, the command's status passes
   * through.
   */
  @Test
  void randomUidWithGidZeroBootsAndPassesTheStatusThrough() {
    Result r =
        run(
                List.of("--user", "1000890000:0"),
                image,
                "/sbin/my_init",
                "--",
                "sh",
                "-c",
                "sleep 3; exit 3")
            .hasStatus(3);
    assertThat(r.stderr())
        .as(r.describe())
        .contains(
            "*** sh -c sleep 3; exit 3 exited with status 3.\n",
            "*** /etc/service/cron needs root: not started (my_init runs as uid 1000890000).\n")
        .doesNotContain("runsv", "Exception");
  }
}
