package io.baseimage.posix;

/** An entry of the user database, as {@code getpwnam}/{@code getpwuid} return it. */
public record PasswdEntry(String name, int uid, int gid, String home, String shell) {}
