package io.baseimage.myinit;

import io.baseimage.startup.SpawnException;
import io.baseimage.startup.Supervisor;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import io.baseimage.startup.internal.posix.ErrnoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops the runit services the way {@code sv -w T force-stop /etc/service/*} does, but waiting on
 * the services' ends instead of polling: {@code sv} checks every 420 ms, which would make every
 * {@code docker stop} take at least that long. Each service gets {@code sv down} (TERM, CONT);
 * those still running after the timeout get {@code sv kill}.
 */
final class ServiceStopper {
  private final Supervisor supervisor;
  private final Log log;

  ServiceStopper(Supervisor supervisor, Log log) {
    this.supervisor = supervisor;
    this.log = log;
  }

  void stopAll(Path serviceDirectory, ContainerEnvironment env, Duration timeout) throws InterruptedException {
    List<Service> services = runningServices(serviceDirectory);
    if (services.isEmpty()) {
      return;
    }
    sv(env, "down", services, timeout);
    List<Integer> left = awaitExits(services, timeout);
    if (!left.isEmpty()) {
      List<Service> stuck = services.stream().filter(s -> left.contains(s.pid())).toList();
      stuck.forEach(s -> log.warn(FileNames.display(s.directory()) + " did not stop within " + timeout.toMillis()
          + " ms of SIGTERM; killing it"));
      sv(env, "kill", stuck, timeout);
      awaitExits(stuck, timeout);
    }
  }

  private record Service(Path directory, int pid) {}

  private static List<Service> runningServices(Path serviceDirectory) {
    List<Service> services = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(serviceDirectory)) {
      for (Path entry : entries) {
        try {
          String pid = Files.readString(entry.resolve("supervise/pid"), StandardCharsets.US_ASCII).trim();
          if (!pid.isEmpty()) {
            services.add(new Service(entry, Integer.parseInt(pid)));
          }
        } catch (IOException | NumberFormatException e) {
          // Not a service, or runsv has not started it: nothing to stop.
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return services;
  }

  private void sv(ContainerEnvironment env, String verb, List<Service> services, Duration timeout)
      throws InterruptedException {
    List<byte[]> args = new ArrayList<>();
    args.add(verb.getBytes(StandardCharsets.US_ASCII));
    services.forEach(s -> args.add(FileNames.bytesOf(s.directory())));
    try {
      int pid = supervisor.spawn(Runit.command(env, "sv", args));
      if (supervisor.awaitExit(pid, System.nanoTime() + timeout.toNanos(), signal -> false).isEmpty()) {
        supervisor.terminate(pid, timeout.toNanos());
      }
    } catch (SpawnException e) {
      log.warn(e.getMessage());
    }
  }

  private List<Integer> awaitExits(List<Service> services, Duration timeout) {
    try {
      return supervisor.posix().awaitExits(services.stream().map(Service::pid).toList(), timeout.toMillis());
    } catch (ErrnoException e) {
      log.warn(e.getMessage());
      return List.of();
    }
  }
}
