package io.baseimage.posix;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import java.nio.charset.StandardCharsets;

/**
 * One C library function, called through jffi with every argument as a 64-bit integer (an int, a
 * short or an address): the calling convention of x86_64 and aarch64 for such arguments. The
 * function is looked up when first called.
 *
 * <p>jnr's lowest layer, used directly: jnr-ffi's reflective binding spends ~150 ms at start-up in
 * annotation proxies and per-method invoker generation, which an AOT cache cannot keep; this costs
 * a few milliseconds.
 *
 * <p>jffi's own native stub is loaded when this class is initialised: from {@code
 * -Djffi.boot.library.path} (the runtime's lib directory in the image), else extracted from its jar
 * to a temporary directory.
 */
final class NativeFunction {
  private static final Invoker INVOKER = Invoker.getInstance();
  private static final NativeFunction STRERROR = of("strerror", Type.POINTER, Type.SINT32);

  private final String name;
  private final Type result;
  private final Type[] parameters;
  // Made on first call: most functions are never called by a given run of my_init or setuser.
  private CallContext context;
  private long address;

  private NativeFunction(String name, Type result, Type... parameters) {
    this.name = name;
    this.result = result;
    this.parameters = parameters;
  }

  static NativeFunction of(String name, Type result, Type... parameters) {
    return new NativeFunction(name, result, parameters);
  }

  /** Calls the function; {@link #errno()} then holds the error number it set. */
  long call(long... arguments) {
    long function = address();
    CallContext context = context();
    return switch (arguments.length) {
      case 0 -> INVOKER.invokeL0(context, function);
      case 1 -> INVOKER.invokeL1(context, function, arguments[0]);
      case 2 -> INVOKER.invokeL2(context, function, arguments[0], arguments[1]);
      case 3 -> INVOKER.invokeL3(context, function, arguments[0], arguments[1], arguments[2]);
      case 4 ->
          INVOKER.invokeL4(
              context, function, arguments[0], arguments[1], arguments[2], arguments[3]);
      case 5 ->
          INVOKER.invokeL5(
              context,
              function,
              arguments[0],
              arguments[1],
              arguments[2],
              arguments[3],
              arguments[4]);
      case 6 ->
          INVOKER.invokeL6(
              context,
              function,
              arguments[0],
              arguments[1],
              arguments[2],
              arguments[3],
              arguments[4],
              arguments[5]);
      default -> throw new IllegalArgumentException(name + ": too many arguments");
    };
  }

  /** Calls a function that returns an {@code int}. */
  int callInt(long... arguments) {
    return (int) call(arguments);
  }

  /** The error number the last call on this thread left. */
  static int errno() {
    return LastError.getInstance().get();
  }

  /**
   * The failure of {@code call} with {@code errno}, described by the C library's {@code strerror}.
   */
  static ErrnoException failure(String call, int errno) {
    String description =
        new String(NativeMemory.string(STRERROR.call(errno)), StandardCharsets.UTF_8);
    return new ErrnoException(call, errno, description);
  }

  /**
   * Looks the function up and makes its call context now, instead of at its first call. A thread
   * that calls it later must see what this one did (start it, or join this one, afterwards).
   */
  void prepare() {
    address();
    context();
  }

  /** {@link #prepare} for the function that describes error numbers. */
  static void prepareFailures() {
    STRERROR.prepare();
  }

  /** Whether the C library has the function (glibc versions differ). */
  boolean exists() {
    return Library.getDefault().getSymbolAddress(name) != 0;
  }

  private CallContext context() {
    CallContext made = context;
    if (made == null) {
      made = CallContext.getCallContext(result, parameters, CallingConvention.DEFAULT, true);
      context = made;
    }
    return made;
  }

  private long address() {
    long function = address;
    if (function == 0) {
      function = Library.getDefault().getSymbolAddress(name);
      if (function == 0) {
        throw new UnsatisfiedLinkError("the C library has no " + name + "()");
      }
      address = function;
    }
    return function;
  }
}
