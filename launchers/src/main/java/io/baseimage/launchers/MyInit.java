package io.baseimage.launchers;

import io.baseimage.myinit.Main;
import io.baseimage.startup.LauncherArguments;
import java.util.List;

/** {@code /sbin/my_init}. */
public final class MyInit {
  private MyInit() {}

  public static void main(String[] args) {
    System.exit(run(LauncherArguments.of(args)));
  }

  /** Also the AOT training's way in: a class it never loads would be loaded at every start. */
  static int run(List<byte[]> args) {
    return Main.run(args);
  }
}
