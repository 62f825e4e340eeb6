package io.baseimage.myinit;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * my_init's command line: options, then optionally {@code --} and the command to run. As with
 * phusion's my_init, the command may also start at the first argument that is not an option. {@code
 * --status} stands alone: it asks a running my_init how it is and boots nothing.
 */
record Options(
    boolean skipStartupFiles,
    boolean skipRunit,
    boolean killAllOnExit,
    boolean quiet,
    boolean help,
    boolean version,
    boolean status,
    List<byte[]> command) {

  static Options parse(List<byte[]> args) throws UsageException {
    boolean skipStartupFiles = false;
    boolean skipRunit = false;
    boolean killAllOnExit = true;
    boolean quiet = false;
    boolean help = false;
    boolean version = false;
    boolean status = false;
    boolean otherOption = false;
    int i = 0;
    for (; i < args.size(); i++) {
      String arg = new String(args.get(i), StandardCharsets.UTF_8);
      if (arg.equals("--")) {
        i++;
        break;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        break;
      }
      switch (arg) {
        case "--skip-startup-files" -> skipStartupFiles = true;
        case "--skip-runit" -> skipRunit = true;
        case "--no-kill-all-on-exit" -> killAllOnExit = false;
        case "--quiet" -> quiet = true;
        case "--help", "-h" -> help = true;
        case "--version" -> version = true;
        case "--status" -> status = true;
        default -> throw new UsageException("unrecognized option '" + arg + "'");
      }
      otherOption |= !arg.equals("--status");
    }
    if (status && (otherOption || i < args.size())) {
      throw new UsageException("--status takes no other option and no command");
    }
    return new Options(
        skipStartupFiles,
        skipRunit,
        killAllOnExit,
        quiet,
        help,
        version,
        status,
        List.copyOf(args.subList(i, args.size())));
  }

  boolean hasCommand() {
    return !command.isEmpty();
  }

  static final String USAGE =
      """
      Usage: my_init [OPTIONS] [-- COMMAND [ARG...]]
             my_init --status

      Init system for baseimage-amzn containers: imports /etc/container_environment, runs
      /etc/my_init.d/* and /etc/rc.local, starts runit on /etc/service, runs COMMAND if given,
      reaps every zombie and stops everything cleanly on exit or SIGTERM.

      Options:
        --skip-startup-files   do not run /etc/my_init.d/* and /etc/rc.local
        --skip-runit           do not start runit services (needs a COMMAND)
        --no-kill-all-on-exit  do not kill all processes when exiting
        --quiet                only print warnings and errors
        --help                 print this help and exit
        --version              print the version and exit
        --status               print the state of the running my_init and of each runit
                               service, and exit 0 if it has booted and every service that
                               should run is up and passes its ./check (a health check)

      Environment:
        KILL_PROCESS_TIMEOUT        seconds a process gets between SIGTERM and SIGKILL, and what
                                    --status gives the check scripts (default 5)
        KILL_ALL_PROCESSES_TIMEOUT  seconds all processes get to exit at the end (default 5)
        MY_INIT_SHUTDOWN_TIMEOUT    seconds the whole shutdown may take; the timeouts above are
                                    cut to it (default 9, below docker stop's 10)
        ENV_INIT_DIRECTORY          directory of startup scripts (default /etc/my_init.d)
        MY_INIT_SCRIPT_TIMEOUT      seconds a startup or shutdown script may run (default: no
                                    limit for startup scripts, KILL_PROCESS_TIMEOUT for shutdown)
        MY_INIT_LOG_LEVEL           error, warn, info (default) or debug: debug adds what is
                                    skipped or ignored and each shutdown step; --quiet caps it
                                    at warn
        MY_INIT_WAIT_FOR_SERVICES   seconds to wait before COMMAND until every service without a
                                    down file is up and passes its check script (default: none)

      Services:
        /etc/service/NAME/essential   the container stops when NAME ends, with its exit status

      Signals:
        SIGTERM, SIGINT             shut down (exit status 2)
        SIGHUP, SIGUSR1, SIGUSR2,
        SIGWINCH                    forwarded to COMMAND
        SIGQUIT                     ignored

      Exit status:
        N        COMMAND exited with N (or, without COMMAND, runsvdir exited with N)
        128+S    COMMAND was killed by signal S
        126/127  COMMAND could not be executed / was not found
        1        a startup script failed, the services were not ready in time, or a setting in
                 the environment is malformed
        N        an essential service exited with N (128+S: killed by signal S; 1: unknown)
        2        stopped by SIGTERM or SIGINT, or a usage error
      With --status: 0 healthy, 1 not (booting, stopping, not running, a service down or
      failing its check), 2 a usage error.
      """;
}
