/**
 * The container environment: one set of variables held in three stores (the process environment,
 * the environment directory and the {@code .sh}/{@code .json} dumps), with values kept as exact
 * bytes.
 *
 * <p>Start at {@link io.baseimage.env.ContainerEnvironment}.
 */
// Qualified exports name modules built after this one: javac cannot find them yet.
@SuppressWarnings("module")
module io.baseimage.env {
  requires com.fasterxml.jackson.core;

  exports io.baseimage.env;
  // Paths as exact bytes, for the launchers' modules and nothing else.
  exports io.baseimage.env.internal to
      io.baseimage.startup,
      io.baseimage.myinit;
}
