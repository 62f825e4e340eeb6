/**
 * The kernel, as my_init and setuser call it: one small port per tool ({@code ProcessControl},
 * {@code UserSwitch}), each implemented on the C library through jffi.
 */
// Qualified exports name modules built after this one: javac cannot find them yet. jffi is an
// automatic module (its jar names itself, but has no module-info).
@SuppressWarnings({"module", "requires-automatic"})
module io.baseimage.posix {
  requires org.jnrproject.jffi;

  // Native calls for the launchers' own code and nothing else.
  exports io.baseimage.posix to
      io.baseimage.startup,
      io.baseimage.myinit,
      io.baseimage.setuser;
}
