package io.baseimage.posix;

/** The signal numbers we use (Linux values, the same on x86_64 and aarch64). */
public final class Signals {
  public static final int SIGHUP = 1;
  public static final int SIGINT = 2;
  public static final int SIGQUIT = 3;
  public static final int SIGKILL = 9;
  public static final int SIGUSR1 = 10;
  public static final int SIGUSR2 = 12;
  public static final int SIGTERM = 15;
  public static final int SIGCHLD = 17;
  public static final int SIGCONT = 18;
  public static final int SIGSTOP = 19;
  public static final int SIGTTIN = 21;
  public static final int SIGTTOU = 22;
  public static final int SIGWINCH = 28;

  private Signals() {}
}
