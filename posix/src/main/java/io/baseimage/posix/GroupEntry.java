package io.baseimage.posix;

/** An entry of the group database, as {@code getgrnam}/{@code getgrgid} return it. */
public record GroupEntry(String name, int gid) {}
