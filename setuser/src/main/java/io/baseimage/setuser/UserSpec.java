package io.baseimage.setuser;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whom to run a command as: a user name or numeric uid, optionally with a group name or numeric gid
 * after a colon, as {@code gosu} and {@code docker run --user} take it.
 *
 * <pre>{@code
 * UserSpec.parse("app");        // user app: its primary group and all groups it is a member of
 * UserSpec.parse("1000");       // uid 1000, with or without an entry in the user database
 * UserSpec.parse("app:staff");  // user app with exactly one group, staff
 * UserSpec.parse("1000:1000");  // uid 1000 with exactly one group, gid 1000
 * }</pre>
 *
 * <p>A part made only of the digits {@code 0-9} is a numeric id, never a name: {@code useradd} and
 * {@code groupadd} refuse such names, and so {@code 1000} can only mean uid 1000.
 *
 * @param user a user name or a numeric uid
 * @param group a group name or a numeric gid, if one is given
 */
public record UserSpec(String user, Optional<String> group) {
  /** The largest id; {@code (uid_t) -1} means "unchanged" to the kernel and is no user. */
  public static final long MAX_ID = 0xFFFF_FFFEL;

  public UserSpec {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(group, "group");
    check("user", user);
    group.ifPresent(g -> check("group", g));
  }

  /**
   * Parses {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}.
   *
   * @throws IllegalArgumentException naming the bad spec and what is wrong with it
   */
  public static UserSpec parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.isEmpty()) {
      throw new IllegalArgumentException("invalid user spec '': empty");
    }
    int colon = spec.indexOf(':');
    if (colon < 0) {
      return new UserSpec(spec, Optional.empty());
    }
    if (spec.indexOf(':', colon + 1) >= 0) {
      throw new IllegalArgumentException("invalid user spec '" + spec + "': more than one ':'");
    }
    if (colon == 0) {
      throw new IllegalArgumentException("invalid user spec '" + spec + "': no user before ':'");
    }
    if (colon == spec.length() - 1) {
      throw new IllegalArgumentException("invalid user spec '" + spec + "': no group after ':'");
    }
    return new UserSpec(spec.substring(0, colon), Optional.of(spec.substring(colon + 1)));
  }

  /** The user as a number if it is one, unsigned as the C type {@code uid_t}. */
  public OptionalLong uid() {
    return isNumeric(user) ? OptionalLong.of(Long.parseLong(user)) : OptionalLong.empty();
  }

  /** The group as a number if one is given and it is one, unsigned as the C type {@code gid_t}. */
  public OptionalLong gid() {
    return group
        .filter(UserSpec::isNumeric)
        .map(g -> OptionalLong.of(Long.parseLong(g)))
        .orElse(OptionalLong.empty());
  }

  /** The spec as {@link #parse} reads it: {@code user} or {@code user:group}. */
  @Override
  public String toString() {
    return group.map(g -> user + ":" + g).orElse(user);
  }

  private static void check(String what, String part) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException("invalid " + what + ": empty");
    }
    if (part.indexOf(':') >= 0) {
      throw new IllegalArgumentException("invalid " + what + " '" + part + "': contains ':'");
    }
    if (part.startsWith("-")) {
      // Also catches "-1", which would otherwise become (uid_t) -1.
      throw new IllegalArgumentException("invalid " + what + " '" + part + "': starts with '-'");
    }
    if (part.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          "invalid " + what + " '" + printable(part) + "': contains a space or control character");
    }
    if (isNumeric(part)) {
      // Any 18 digits fit in a long; more are out of range whatever they are.
      if (part.length() > 18 || Long.parseLong(part) > MAX_ID) {
        String id = what.equals("user") ? "uid" : "gid";
        throw new IllegalArgumentException(
            "invalid " + what + " '" + part + "': " + id + " out of range (0-" + MAX_ID + ")");
      }
    }
  }

  static boolean isNumeric(String part) {
    return !part.isEmpty() && part.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static String printable(String part) {
    StringBuilder text = new StringBuilder();
    part.chars()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                text.append(String.format("\\x%02x", c));
              } else {
                text.append((char) c);
              }
            });
    return text.toString();
  }
}
