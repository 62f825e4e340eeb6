package io.baseimage.setuser;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.GroupEntry;
import io.baseimage.posix.PasswdEntry;
import io.baseimage.posix.UserSwitch;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link UserSpec} resolved against the user and group databases: everything needed to become
 * that user.
 *
 * @param user the value for {@code USER}: the passwd name, or the uid as text when there is none
 * @param uid the user id (the bits of an unsigned {@code uid_t})
 * @param gid the primary group id (the bits of an unsigned {@code gid_t})
 * @param home the value for {@code HOME}: the passwd home directory, or {@code /}
 * @param groups how to set the supplementary groups
 */
record Identity(String user, int uid, int gid, String home, SupplementaryGroups groups) {
  /** Where a user without a passwd entry (or with an empty home field) lives, as for login(1). */
  static final String ROOT_HOME = "/";

  enum SupplementaryGroups {
    /** {@code initgroups(user, gid)}: the primary group and every group listing the user. */
    OF_USER,
    /** {@code setgroups([gid])}: exactly the primary group, so that no group of root leaks. */
    PRIMARY_ONLY
  }

  Identity {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(groups, "groups");
  }

  /**
   * Looks {@code spec} up through the C library, so that NSS sources (LDAP, sssd, ...) count.
   *
   * @throws IdentityNotFoundException for a user or group name without an entry
   */
  static Identity resolve(UserSpec spec, UserSwitch users)
      throws IdentityNotFoundException, ErrnoException {
    Optional<PasswdEntry> entry;
    long numericUid = spec.uid().orElse(-1);
    if (numericUid >= 0) {
      entry = users.userById((int) numericUid);
    } else {
      entry = users.userByName(spec.user());
      if (entry.isEmpty()) {
        throw IdentityNotFoundException.user(spec.user());
      }
    }
    Optional<Integer> group = resolveGroup(spec, users);
    if (entry.isPresent()) {
      PasswdEntry passwd = entry.get();
      String home = passwd.home().isEmpty() ? ROOT_HOME : passwd.home();
      if (group.isPresent()) {
        return new Identity(
            passwd.name(), passwd.uid(), group.get(), home, SupplementaryGroups.PRIMARY_ONLY);
      }
      return new Identity(
          passwd.name(), passwd.uid(), passwd.gid(), home, SupplementaryGroups.OF_USER);
    }
    // A uid that no database knows, as in "docker run --user 12345". Docker and gosu would keep
    // gid 0 (root's group); here the group is the same number unless one is given, and no other.
    int uid = (int) numericUid;
    return new Identity(
        Integer.toUnsignedString(uid),
        uid,
        group.orElse(uid),
        ROOT_HOME,
        SupplementaryGroups.PRIMARY_ONLY);
  }

  private static Optional<Integer> resolveGroup(UserSpec spec, UserSwitch users)
      throws IdentityNotFoundException, ErrnoException {
    if (spec.group().isEmpty()) {
      return Optional.empty();
    }
    long numericGid = spec.gid().orElse(-1);
    if (numericGid >= 0) {
      // A gid needs no entry in the group database, as for "docker run --user 1000:1000".
      return Optional.of((int) numericGid);
    }
    String name = spec.group().get();
    GroupEntry entry =
        users.groupByName(name).orElseThrow(() -> IdentityNotFoundException.group(name));
    return Optional.of(entry.gid());
  }

  /**
   * Becomes this identity, in the only safe order: the supplementary groups and the group while we
   * still may change them, the user last. As root, {@code setgid}/{@code setuid} set the real,
   * effective and saved ids together, so the switch cannot be undone.
   */
  void assume(UserSwitch users) throws ErrnoException {
    switch (groups) {
      case OF_USER -> users.initgroups(user, gid);
      case PRIMARY_ONLY -> users.setgroups(new int[] {gid});
    }
    users.setgid(gid);
    users.setuid(uid);
  }

  /** {@code base} with {@code USER}, {@code HOME} and {@code UID} set as phusion's setuser does. */
  ContainerEnvironment environment(ContainerEnvironment base) {
    return base.with("USER", user).with("HOME", home).with("UID", Integer.toUnsignedString(uid));
  }
}
