package io.baseimage.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The lifecycle of the integration tests that run the overlay in a {@link Sandbox}: the class is
 * skipped unless it runs as root, and each test gets a sandbox of its own, as a constructor or
 * method parameter, that is closed after the test whatever happened.
 *
 * <pre>{@code
 * @ExtendWith(SandboxExtension.class)
 * class MyInitIT {
 *   private final Sandbox sandbox;
 *
 *   MyInitIT(Sandbox sandbox) {
 *     this.sandbox = sandbox;
 *   }
 * }
 * }</pre>
 */
final class SandboxExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SandboxExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "integration tests run as root (mounts and pid namespaces); CI runs them");
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Sandbox.class;
  }

  /** The test's sandbox, made on first use; the test's store closes it when the test ends. */
  @Override
  public Sandbox resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Sandbox.class, key -> create(), Sandbox.class);
  }

  /** A test instance is made for each test: its constructor's sandbox is that test's. */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(
      ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  private static Sandbox create() {
    try {
      return Sandbox.create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a sandbox", e);
    }
  }
}
