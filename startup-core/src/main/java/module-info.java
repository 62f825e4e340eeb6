/**
 * Processes for an init system: spawning children clean of the JVM, reaping every process that
 * ends, turning signals into events, and running startup and shutdown scripts.
 */
module io.baseimage.startup {
  requires transitive io.baseimage.env;
  requires org.jnrproject.jffi;

  exports io.baseimage.startup;
  // The native layer is shared by the two launchers and by nothing else.
  exports io.baseimage.startup.internal.posix to
      io.baseimage.myinit,
      io.baseimage.setuser;
}
