package io.baseimage.setuser;

import java.io.IOException;

/** A user or group name that the C library's user and group databases do not know. */
final class IdentityNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  private IdentityNotFoundException(String message) {
    super(message);
  }

  static IdentityNotFoundException user(String name) {
    return new IdentityNotFoundException("user " + name + " not found");
  }

  static IdentityNotFoundException group(String name) {
    return new IdentityNotFoundException("group " + name + " not found");
  }
}
