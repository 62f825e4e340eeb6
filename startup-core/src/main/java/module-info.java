/**
 * Processes for an init system: spawning children clean of the JVM, reaping every process that
 * ends, turning signals into events, and running startup and shutdown scripts.
 */
// Qualified exports name modules built after this one: javac cannot find them yet.
@SuppressWarnings("module")
module io.baseimage.startup {
  requires transitive io.baseimage.env;
  requires transitive io.baseimage.posix;

  // The launchers' shared code, not a library of its own (env-core is the one to embed).
  exports io.baseimage.startup to
      io.baseimage.myinit,
      io.baseimage.setuser,
      io.baseimage.launchers;
}
