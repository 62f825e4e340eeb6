package io.baseimage.launchers;

import io.baseimage.setuser.Main;
import io.baseimage.startup.LauncherArguments;
import java.util.List;

/** {@code /sbin/setuser}. */
public final class Setuser {
  private Setuser() {}

  public static void main(String[] args) {
    // halt, not exit: see MyInit.main.
    Runtime.getRuntime().halt(run(LauncherArguments.of(args)));
  }

  /** Also the AOT training's way in: a class it never loads would be loaded at every start. */
  static int run(List<byte[]> args) {
    return Main.run(args);
  }
}
