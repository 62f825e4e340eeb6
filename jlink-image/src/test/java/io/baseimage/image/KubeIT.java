package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.image.Commands.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example Pod manifests of docs/kubernetes (docs/operations.md), played as they are with {@code
 * podman kube play} on the image built from the Containerfile (Debian base, as in {@link ImageIT}),
 * which the test tags {@value #MANIFEST_IMAGE} -- the manifests' image -- for the duration of the
 * class (the previous {@code :latest}, if any, is put back afterwards).
 *
 * <p>Stopping a pod: the kubelet sends {@code SIGTERM}, waits {@code
 * terminationGracePeriodSeconds}, then sends {@code SIGKILL}. podman 4.3's {@code kube down} does
 * not: it kills the containers at once with {@code SIGKILL} (exit 137, podman issues #19135/#22397,
 * fixed in podman 5.1), and {@code kube play} ignores {@code terminationGracePeriodSeconds}. So
 * each test stops the pod the kubelet's way, {@code podman pod stop -t GRACE POD} with the
 * manifest's grace period, checks my_init's shutdown, then removes it with {@code podman kube
 * down}.
 *
 * <p>Needs root and podman with catatonit (.ci/podman-setup.sh). The image is {@link TestImage}'s,
 * shared with {@link ImageIT}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KubeIT {
  private static final Engine PODMAN = Engine.PODMAN;
  static final String MANIFEST_IMAGE = "localhost/baseimage-amzn:latest";
  private static final Duration SHORT = Duration.ofSeconds(30);

  /** How long to wait for something that happens within a second or two on an idle machine. */
  private static final Duration POLL = Duration.ofSeconds(60);

  private static final Path MANIFESTS = Docs.REPOSITORY.resolve("docs/kubernetes");

  /**
   * The lines of a complete stop of my_init with runit (docs/user-guide.md, "my_init reference").
   */
  private static final List<String> RUNIT_SHUTDOWN =
      List.of(
          "*** Booting runit daemon...\n",
          "*** Runit started as PID ",
          "*** Shutting down runit daemon (PID ",
          "*** Init system aborted.\n",
          "*** Killing all processes...\n");

  private static String image;
  private static String imageId;
  private static Optional<String> previousLatest = Optional.empty();

  // ---------------------------------------------------------------------------------- set-up

  @BeforeAll
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  static void tagImage() throws Exception {
    image = TestImage.require(PODMAN, "KubeIT");
    imageId = PODMAN.imageId(image).orElseThrow();
    previousLatest = PODMAN.imageId(MANIFEST_IMAGE).filter(id -> !id.equals(imageId));
    PODMAN.run(SHORT, "tag", image, MANIFEST_IMAGE).hasStatus(0);
    System.out.println(
        "KubeIT: "
            + image
            + " tagged "
            + MANIFEST_IMAGE
            + previousLatest
                .map(id -> " (was " + id.substring(0, 12) + ", restored afterwards)")
                .orElse(""));
  }

  @AfterAll
  static void restoreLatestTag() {
    if (imageId == null || !PODMAN.imageId(MANIFEST_IMAGE).orElse("").equals(imageId)) {
      return; // not ours (any more)
    }
    if (previousLatest.isPresent()) {
      PODMAN.run(SHORT, "tag", previousLatest.get(), MANIFEST_IMAGE);
    }
  }

  // ---------------------------------------------------------------------------------- a played pod

  private static final Pattern POD_NAME =
      Pattern.compile("(?m)^metadata:\\s*\\n\\s+name:\\s*(\\S+)");
  private static final Pattern GRACE =
      Pattern.compile("(?m)^\\s+terminationGracePeriodSeconds:\\s*(\\d+)");

  /** A manifest of docs/kubernetes, played; close() removes the pod whatever happened. */
  private record Pod(Path manifest, String name, int grace) implements AutoCloseable {
    static Pod play(String file) throws IOException {
      Path manifest = MANIFESTS.resolve(file);
      String yaml = Files.readString(manifest);
      assertThat(yaml).as(manifest.toString()).contains("image: " + MANIFEST_IMAGE);
      Matcher name = POD_NAME.matcher(yaml);
      assertThat(name.find()).as("metadata.name in %s", manifest).isTrue();
      Matcher grace = GRACE.matcher(yaml);
      Pod pod =
          new Pod(manifest, name.group(1), grace.find() ? Integer.parseInt(grace.group(1)) : 30);
      pod.remove(); // a pod of that name left over by an earlier, interrupted run
      Result play = PODMAN.run(Duration.ofSeconds(90), "kube", "play", manifest.toString());
      if (play.exitCode() != 0) {
        pod.close();
        assertThat(play.exitCode())
            .as(
                "podman kube play %s (the pod's infra container needs catatonit: "
                    + ".ci/podman-setup.sh)\n%s",
                file, play.describe())
            .isZero();
      }
      return pod;
    }

    /** The container's name under podman: POD-CONTAINER. */
    String container(String container) {
      return name + "-" + container;
    }

    Result exec(String container, String... command) {
      List<String> args = new ArrayList<>(List.of("exec", container(container)));
      args.addAll(Arrays.asList(command));
      return PODMAN.run(SHORT, args.toArray(String[]::new));
    }

    /** {@code sh -c SCRIPT} in the container. */
    Result sh(String container, String script) {
      return exec(container, "sh", "-c", script);
    }

    /**
     * Writes {@code content} to the executable file {@code path} in the container (for services,
     * scripts).
     */
    void install(String container, String path, String content) {
      PODMAN
          .runWithInput(
              SHORT,
              content,
              "exec",
              "-i",
              container(container),
              "sh",
              "-c",
              "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1.new\" && chmod 755 \"$1.new\" && mv \"$1.new\" \"$1\"",
              "sh",
              path)
          .hasStatus(0);
    }

    Result logs(String container) {
      return PODMAN.run(SHORT, "logs", container(container));
    }

    String allLogs(String container) {
      Result logs = logs(container);
      return logs.stdout() + logs.stderr();
    }

    /** {@code "STATUS EXITCODE"} of the container, e.g. {@code "running 0"}, {@code "exited 2"}. */
    String state(String container) {
      return PODMAN
          .run(
              SHORT,
              "inspect",
              "--format",
              "{{.State.Status}} {{.State.ExitCode}}",
              container(container))
          .hasStatus(0)
          .stdout()
          .strip();
    }

    /** Waits until runit reports {@code count} services up under /etc/service. */
    void awaitServicesUp(String container, int count) {
      Result status =
          PODMAN.poll(
              POLL,
              r ->
                  r.exitCode() == 0
                      && r.stdout().lines().filter(l -> l.startsWith("run: ")).count() == count,
              "exec",
              container(container),
              "sh",
              "-c",
              "sv status /etc/service/*");
      assertThat(status.stdout().lines().filter(l -> l.startsWith("run: ")))
          .as("%d services up:\n%s\nlogs:\n%s", count, status.describe(), allLogs(container))
          .hasSize(count);
    }

    /**
     * Stops the pod as the kubelet does: {@code SIGTERM}, the manifest's grace period, then {@code
     * SIGKILL} ({@code podman pod stop -t GRACE}); {@code seconds} overrides the grace period.
     */
    Result stop(int seconds) {
      return PODMAN
          .run(Duration.ofSeconds(seconds + 60), "pod", "stop", "-t", String.valueOf(seconds), name)
          .hasStatus(0);
    }

    /**
     * Stops the pod within its grace period; the container {@code app} was ended by my_init itself
     * (exit status 2 after SIGTERM, not 137 from the runtime's SIGKILL), its log ends with {@code
     * lines}.
     */
    Result stopWithinGrace(List<String> lines) {
      Result stop = stop(grace);
      String logs = allLogs("app");
      System.out.println(
          "KubeIT: "
              + name
              + ": pod stop -t "
              + grace
              + " took "
              + stop.elapsed().toMillis()
              + " ms");
      // Exit status 2 is the proof that my_init ended within the grace period: at its end the
      // runtime SIGKILLs, and the status is 137. podman's own time on top is no product figure.
      assertThat(state("app"))
          .as("my_init exited by itself (2 = SIGTERM)\nlogs:\n%s", logs)
          .isEqualTo("exited 2");
      assertThat(logs).as(logs).containsSubsequence(lines).doesNotContain("Exception", "\tat ");
      return stop;
    }

    /** {@code podman kube down MANIFEST}: the pod is gone afterwards. */
    void down() {
      PODMAN.run(Duration.ofSeconds(90), "kube", "down", manifest.toString()).hasStatus(0);
      assertThat(PODMAN.run(SHORT, "pod", "exists", name).exitCode())
          .as("pod %s removed", name)
          .isEqualTo(1);
    }

    private void remove() {
      try {
        PODMAN.run(Duration.ofSeconds(90), "kube", "down", manifest.toString());
        PODMAN.run(Duration.ofSeconds(90), "pod", "rm", "--force", "--ignore", name);
      } catch (RuntimeException | AssertionError e) {
        System.err.println("KubeIT: could not remove pod " + name + ": " + e.getMessage());
      }
    }

    @Override
    public void close() {
      remove();
    }
  }

  /** {@code ps -eo stat,pid,ppid,comm} lines of zombies. */
  private static List<String> zombies(Pod pod, String container) {
    Result ps = pod.exec(container, "ps", "-eo", "stat=,pid=,ppid=,comm=").hasStatus(0);
    return ps.stdout().lines().filter(line -> line.strip().startsWith("Z")).toList();
  }

  /** The pid of the one process whose comm is {@code comm}. */
  private static String pidOf(Pod pod, String container, String comm) {
    Result r = pod.exec(container, "pgrep", "-x", comm);
    assertThat(r.stdout().strip()).as("one %s\n%s", comm, r.describe()).matches("\\d+");
    return r.stdout().strip();
  }

  // ----------------------------------------------------------------------------------
  // plain-pod.yaml

  @Test
  void plainPod() throws Exception {
    try (Pod pod = Pod.play("plain-pod.yaml")) {
      pod.awaitServicesUp("app", 2);
      Result tree =
          PODMAN.poll(
              POLL,
              r -> r.stdout().contains("rsyslogd") && r.stdout().contains("cron"),
              "exec",
              pod.container("app"),
              "pstree",
              "-T");
      assertThat(tree.stdout())
          .as(tree.describe())
          .isIn(
              "my_init---runsvdir-+-runsv---rsyslogd\n                   `-runsv---cron\n",
              "my_init---runsvdir-+-runsv---cron\n                   `-runsv---rsyslogd\n");
      assertThat(pod.exec("app", "ps", "-o", "comm=", "-p", "1").stdout()).isEqualTo("my_init\n");

      // A login shell (kubectl exec POD -- bash -l) with nothing inherited: GREETING comes from the
      // dump.
      Result login =
          pod.exec("app", "env", "-i", "/bin/bash", "-l", "-c", "echo \"[$GREETING]\"")
              .hasStatus(0);
      assertThat(login.stdout()).as(login.describe()).isEqualTo("[hello from the pod]\n");
      Result json = pod.exec("app", "cat", "/etc/container_environment.json").hasStatus(0);
      assertThat(json.stdout()).as(json.describe()).contains("\"GREETING\":\"hello from the pod\"");
      // And a service that my_init started (through runit) has it.
      Result environ =
          pod.sh("app", "tr '\\0' '\\n' < /proc/$(pgrep -x cron)/environ").hasStatus(0);
      assertThat(environ.stdout().lines())
          .as(environ.describe())
          .contains("GREETING=hello from the pod");

      pod.stopWithinGrace(RUNIT_SHUTDOWN);
      assertThat(pod.allLogs("app"))
          .doesNotContain("Not all processes have exited in time", "WARNING");
      pod.down();
    }
  }

  // ----------------------------------------------------------------------------------
  // shared-pid.yaml

  @Test
  void sharedProcessNamespace() throws Exception {
    try (Pod pod = Pod.play("shared-pid.yaml")) {
      pod.awaitServicesUp("app", 2);
      // PID 1 is the pod's pause process (podman: catatonit); my_init is one process among others.
      assertThat(pod.exec("app", "ps", "-o", "comm=", "-p", "1").stdout()).isEqualTo("catatonit\n");
      String myInit = pidOf(pod, "app", "my_init");
      assertThat(myInit).isNotEqualTo("1");
      Result ps = pod.exec("app", "ps", "-eo", "pid=,ppid=,args=").hasStatus(0);
      // The sidecar's process is in sight of my_init: a kill(-1) would reach it.
      assertThat(ps.stdout()).as(ps.describe()).contains("/bin/sleep infinity");

      // An orphan made by a service: it comes to my_init (the child subreaper), not to PID 1 ...
      pod.install(
          "app",
          "/etc/service/orphan/run",
          """
          #!/bin/sh
          # The subshell starts the sleep in the background and exits: the sleep is an orphan.
          (sleep 6 >/dev/null 2>&1 & echo $! > /tmp/orphan.pid.new; mv /tmp/orphan.pid.new /tmp/orphan.pid)
          exec sleep 100000
          """);
      // runsvdir looks at /etc/service every 5 s.
      Result orphan =
          pod.sh(
                  "app",
                  "for i in $(seq 600); do [ -s /tmp/orphan.pid ] && break; sleep 0.1; done;"
                      + " p=$(cat /tmp/orphan.pid); echo $p; "
                      + parentOnceOrphaned(myInit))
              .hasStatus(0);
      List<String> pidAndParent = orphan.stdout().lines().toList();
      assertThat(pidAndParent).as(orphan.describe()).hasSize(2);
      String orphanPid = pidAndParent.get(0);
      assertThat(pidAndParent.get(1))
          .as("PPid of the orphan %s: my_init (%s)\n%s", orphanPid, myInit, orphan.describe())
          .isEqualTo(myInit);
      // ... and when it ends, my_init reaps it: no zombie left.
      Result gone =
          PODMAN.poll(
              POLL,
              r -> r.stdout().strip().equals("gone"),
              "exec",
              pod.container("app"),
              "sh",
              "-c",
              "cat /proc/" + orphanPid + "/stat 2>/dev/null || echo gone");
      assertThat(gone.stdout().strip())
          .as("orphan %s reaped\n%s", orphanPid, gone.describe())
          .isEqualTo("gone");
      assertThat(zombies(pod, "app")).isEmpty();

      // For contrast: an orphan of `kubectl exec` is not a descendant of my_init; PID 1 gets and
      // reaps it.
      Result execOrphan =
          pod.sh(
                  "app",
                  "p=$( (sleep 60 >/dev/null 2>&1 & echo $!) ); echo $p; "
                      + parentOnceOrphaned(myInit)
                      + "; kill $p")
              .hasStatus(0);
      assertThat(execOrphan.stdout().lines().toList())
          .as(execOrphan.describe())
          .hasSize(2)
          .last()
          .isEqualTo("1");
      Result noZombie =
          PODMAN.poll(
              POLL,
              r -> r.stdout().strip().equals("gone"),
              "exec",
              pod.container("app"),
              "sh",
              "-c",
              "cat /proc/"
                  + execOrphan.stdout().lines().findFirst().orElseThrow()
                  + "/stat 2>/dev/null || echo gone");
      assertThat(noZombie.stdout().strip()).as(noZombie.describe()).isEqualTo("gone");

      // Stopping the app container alone: my_init stops its own processes, and only those.
      String sidecarPid =
          PODMAN
              .run(SHORT, "inspect", "--format", "{{.State.Pid}}", pod.container("sidecar"))
              .hasStatus(0)
              .stdout()
              .strip();
      Result stop =
          PODMAN
              .run(
                  Duration.ofSeconds(pod.grace() + 60),
                  "stop",
                  "-t",
                  String.valueOf(pod.grace()),
                  pod.container("app"))
              .hasStatus(0);
      String logs = pod.allLogs("app");
      // 2, not the runtime's 137: my_init ended within the grace period (see stopWithinGrace).
      assertThat(pod.state("app")).as(stop.describe() + "\nlogs:\n" + logs).isEqualTo("exited 2");
      assertThat(logs)
          .as(logs)
          .containsSubsequence(RUNIT_SHUTDOWN)
          .doesNotContain("Not all processes have exited in time", "Exception");
      assertThat(pod.state("sidecar")).isEqualTo("running 0");
      assertThat(
              PODMAN
                  .run(SHORT, "inspect", "--format", "{{.State.Pid}}", pod.container("sidecar"))
                  .stdout()
                  .strip())
          .as("the sidecar's sleep, untouched")
          .isEqualTo(sidecarPid);
      Result stillThere =
          pod.exec("sidecar", "pgrep", "-x", "-f", "/bin/sleep infinity").hasStatus(0);
      assertThat(stillThere.stdout()).as(stillThere.describe()).isNotBlank();
      System.out.println(
          "KubeIT: shared-pid: stop of the app container took "
              + stop.elapsed().toMillis()
              + " ms");

      pod.stop(pod.grace());
      pod.down();
    }
  }

  // ----------------------------------------------------------------------------------
  // read-only-root.yaml

  @Test
  void readOnlyRootFilesystem() throws Exception {
    try (Pod pod = Pod.play("read-only-root.yaml")) {
      pod.awaitServicesUp("app", 2);
      String logs = pod.allLogs("app");
      assertThat(logs.lines().filter(line -> line.contains("WARNING")))
          .as(logs)
          .singleElement()
          .satisfies(
              w ->
                  assertThat(w)
                      .startsWith("*** WARNING: cannot save the environment")
                      .contains("(read-only file system)"));
      assertThat(logs).as(logs).doesNotContain("Exception", "supervise");
      pidOf(pod, "app", "rsyslogd");
      pidOf(pod, "app", "cron");
      assertThat(pod.exec("app", "ps", "-o", "comm=", "-p", "1").stdout()).isEqualTo("my_init\n");

      // Every process my_init started has the pod's environment, dumps or not.
      Result environ =
          pod.sh(
                  "app",
                  "for p in $(pgrep -x rsyslogd) $(pgrep -x cron); do "
                      + "tr '\\0' '\\n' < /proc/$p/environ | grep '^GREETING='; done")
              .hasStatus(0);
      assertThat(environ.stdout())
          .as(environ.describe())
          .isEqualTo(
              "GREETING=hello from a read-only root\nGREETING=hello from a read-only root\n");

      Result files =
          pod.sh(
                  "app",
                  "touch /data/probe && echo data-writable;"
                      + " touch /etc/probe 2>/dev/null || echo etc-read-only;"
                      + " stat -c '%s %a %U %G' /etc/container_environment.sh /etc/container_environment.json;"
                      + " ls -A /etc | grep '^\\.container_environment' || true")
              .hasStatus(0);
      // The dumps are not written (the image's empty ones stay), no temporary file is left
      // (docs/user-guide.md, "Read-only and non-root containers").
      assertThat(files.stdout())
          .as(files.describe())
          .isEqualTo(
              """
          data-writable
          etc-read-only
          0 640 root docker_env
          0 640 root docker_env
          """);

      pod.stopWithinGrace(RUNIT_SHUTDOWN);
      pod.down();
    }
  }

  // ----------------------------------------------------------------------------------
  // non-root.yaml

  /**
   * runAsUser 500 with supplementalGroups [8377], a read-only root and an emptyDir at /run: the
   * image's variables arrive, rsyslog and cron are left out, nothing crash-loops.
   */
  @Test
  void nonRootUser() throws Exception {
    String command = "/bin/sh -c id -u; echo \"LC_CTYPE=$LC_CTYPE\"; exec sleep infinity";
    try (Pod pod = Pod.play("non-root.yaml")) {
      Result logs =
          PODMAN.poll(POLL, r -> r.stdout().contains("LC_CTYPE="), "logs", pod.container("app"));
      assertThat(logs.stdout()).as(logs.describe()).isEqualTo("500\nLC_CTYPE=en_US.UTF-8\n");
      assertThat(pod.exec("app", "ps", "-o", "user=,comm=", "-p", "1").stdout().strip())
          .matches("ll-user +my_init");
      // runsvdir restarts a runsv that failed within a second or two: a crash loop shows by now.
      Thread.sleep(4000);
      Result stderr = pod.logs("app");
      assertThat(stderr.stderr())
          .as(stderr.describe())
          .contains(
              "*** Running " + command + "...\n",
              "*** /etc/service/rsyslog needs root: not started (my_init runs as uid 500).\n",
              "*** /etc/service/cron needs root: not started (my_init runs as uid 500).\n")
          .doesNotContain("Exception", "\tat ", "runsv");

      pod.stopWithinGrace(
          List.of(
              "*** Running " + command + "...\n",
              "*** Init system aborted.\n",
              "*** Killing all processes...\n"));
      pod.down();
    }
  }

  /**
   * Shell that prints the parent of orphan {@code $p} once it has one of the two possible ones (PID
   * 1 or my_init): the subshell that started it may still be exiting when its output is read.
   */
  private static String parentOnceOrphaned(String myInit) {
    return "for i in $(seq 600); do pp=$(sed -n 's/^PPid:\\s*//p' /proc/$p/status);"
        + " [ \"$pp\" = 1 ] || [ \"$pp\" = "
        + myInit
        + " ] && break; sleep 0.1; done; echo $pp";
  }

  // ----------------------------------------------------------------------------------
  // short-grace.yaml

  /**
   * A service that ignores SIGTERM and leaves an orphan that ignores it too: my_init kills the
   * service after KILL_PROCESS_TIMEOUT (2 s) and the orphan after KILL_ALL_PROCESSES_TIMEOUT (2 s),
   * runs its post-shutdown scripts, and exits by itself before the 8 s grace period is over.
   */
  @Test
  void shortGracePeriodFitsTheTimeouts() throws Exception {
    try (Pod pod = Pod.play("short-grace.yaml")) {
      assertThat(pod.grace()).isEqualTo(8);
      addStubbornService(pod);
      Result stop =
          pod.stopWithinGrace(
              List.of(
                  "*** WARNING: /etc/service/stubborn did not stop within 2000 ms of SIGTERM; killing it\n",
                  "*** Shutting down runit daemon (PID ",
                  "*** Running /etc/my_init.post_shutdown.d/mark...\n",
                  "post-shutdown script ran\n",
                  "*** Init system aborted.\n",
                  "*** Killing all processes...\n",
                  "*** Not all processes have exited in time. Forcing them to exit.\n"));
      // Both timeouts were waited for: the service and the orphan did ignore SIGTERM.
      assertThat(stop.elapsed()).isGreaterThan(Duration.ofMillis(3500));
      pod.down();
    }
  }

  /**
   * The same pod stopped with a grace period shorter than the timeouts (1 s): the runtime's SIGKILL
   * ends my_init while it still waits for the service; the rest of the shutdown never happens.
   */
  @Test
  void gracePeriodCutShortEndsMyInitMidway() throws Exception {
    try (Pod pod = Pod.play("short-grace.yaml")) {
      addStubbornService(pod);
      Result stop = pod.stop(1);
      String logs = pod.allLogs("app");
      assertThat(pod.state("app")).as(logs).isEqualTo("exited 137");
      assertThat(logs)
          .as(logs)
          .doesNotContain(
              "*** Shutting down runit daemon",
              "post-shutdown script ran",
              "*** Killing all processes");
      System.out.println(
          "KubeIT: short-grace: pod stop -t 1 took " + stop.elapsed().toMillis() + " ms");
      pod.down();
    }
  }

  /** A service ignoring SIGTERM, with an orphan ignoring it too, and a post-shutdown script. */
  private static void addStubbornService(Pod pod) {
    pod.awaitServicesUp("app", 2);
    pod.install(
        "app",
        "/etc/my_init.post_shutdown.d/mark",
        """
        #!/bin/sh
        echo post-shutdown script ran >&2
        """);
    pod.install(
        "app",
        "/etc/service/stubborn/run",
        """
        #!/bin/sh
        trap '' TERM
        # Ignored signals stay ignored across fork and exec: neither sleep stops on SIGTERM.
        sleep 100001 &
        exec sleep 100000
        """);
    pod.awaitServicesUp("app", 3);
    Result sleeps =
        PODMAN.poll(
            POLL,
            r -> r.stdout().lines().count() == 2,
            "exec",
            pod.container("app"),
            "pgrep",
            "-f",
            "^sleep 10000[01]$");
    assertThat(sleeps.stdout().lines())
        .as("both sleeps of the stubborn service\n%s", sleeps.describe())
        .hasSize(2);
  }
}
