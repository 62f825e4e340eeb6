package io.baseimage.launchers;

import io.baseimage.setuser.Main;
import io.baseimage.startup.LauncherArguments;
import java.util.List;

/** {@code /sbin/setuser}. */
public final class Setuser {
  private Setuser() {}

  public static void main(String[] args) {
    // halt, not exit: nothing is left to flush (Output and Log flush every line) and no shutdown
    // hook is ours, while Runtime.exit asks for a System.Logger to log the exit, ~2 ms of classes
    // from outside the AOT cache where jffi has not set java.util.logging up (docs/benchmarks.md).
    Runtime.getRuntime().halt(run(LauncherArguments.of(args)));
  }

  /** Also the AOT training's way in: a class it never loads would be loaded at every start. */
  static int run(List<byte[]> args) {
    return Main.run(args);
  }
}
