/**
 * The entry points of {@code /sbin/my_init} and {@code /sbin/setuser}. The JVM shares an AOT cache
 * only between runs of one main module, so both launchers start here and share one cache
 * (docs/architecture.md, "One AOT cache"). Exports nothing.
 */
module io.baseimage.launchers {
  requires io.baseimage.myinit;
  requires io.baseimage.setuser;
  requires io.baseimage.startup;
}
