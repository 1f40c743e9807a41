package dev.vserve.python.impl;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the README promises of the Python sandbox, one promise per test, in a context made exactly as a
 * replica's is (same engine, same file system, the sandbox and the vserve package installed).
 */
class SandboxTest {
  @TempDir static Path tmp;
  static Path app;
  static Path outside;
  static Context ctx;

  @BeforeAll
  static void context() throws Exception {
    app = Files.createDirectories(tmp.resolve("app"));
    outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
    Files.writeString(app.resolve("data.txt"), "inside");
    Files.createSymbolicLink(app.resolve("secret-link"), outside);
    Files.createSymbolicLink(app.resolve("root-link"), Path.of("/"));
    Files.createSymbolicLink(app.resolve("data-link"), app.resolve("data.txt"));
    Files.createDirectories(app.resolve("pkg"));
    Files.writeString(app.resolve("pkg/helper.py"), "VALUE = 42\n");
    ctx = PythonEngine.newContext(app);
    ctx.enter();
    PythonEngine.install(ctx, new HostBridge(null, a -> a, app, null), true);
    ctx.eval("python", """
        def outcome(f):
            try:
                return "ok: " + repr(f())
            except BaseException as e:
                return type(e).__name__ + ": " + str(e)
        """);
  }

  @AfterAll
  static void close() {
    if (ctx != null) {
      ctx.leave();
      ctx.close(true);
    }
  }

  /** Runs {@code expr} in Python and returns "ok: repr" or "ExceptionType: message": it always returns. */
  private static String outcome(String expr) {
    Value v = ctx.eval("python", "outcome(lambda: " + expr + ")");
    return v.asString();
  }

  private static void assertRefused(String expr, String type) {
    String got = outcome(expr);
    assertTrue(got.startsWith(type + ":"), expr + " should raise " + type + ", got: " + got);
  }

  @Test
  void filesInsideTheAppFolderAndLinksThatStayInsideAreReadable() {
    assertEquals("ok: 'inside'", outcome("open('" + app.resolve("data.txt") + "').read()"));
    assertEquals("ok: 'inside'", outcome("open('" + app.resolve("data-link") + "').read()"));
    assertEquals("ok: 42", outcome("__import__('pkg.helper').helper.VALUE"));
  }

  /** The sandbox refuses operations, not modules: what Ray apps import at their top still imports. */
  @Test
  void commonStandardModulesStillImport() {
    for (String m : java.util.List.of("asyncio", "random", "logging", "json", "uuid", "tempfile", "concurrent.futures",
        "dataclasses", "typing", "collections", "functools", "itertools", "re", "math", "time", "datetime", "enum",
        "threading", "socket", "urllib.request", "http.client", "subprocess", "signal", "os", "pathlib", "io", "base64",
        "hashlib", "inspect", "traceback", "queue", "contextlib", "copy", "pickle", "struct", "decimal", "statistics")) {
      assertEquals("ok: True", outcome("__import__('" + m + "') is not None"), m);
    }
  }

  @Test
  void linksThatLeadOutOfTheAppFolderAreRefused() {
    assertRefused("open('" + app.resolve("secret-link") + "').read()", "PermissionError");
    assertRefused("open('" + app.resolve("root-link") + "/etc/passwd').read()", "PermissionError");
    assertRefused("__import__('os').listdir('" + app.resolve("root-link") + "')", "PermissionError");
    assertRefused("open('" + outside + "').read()", "PermissionError");
    assertRefused("open('" + app.resolve("../secret.txt") + "').read()", "PermissionError");
  }

  @Test
  void nothingIsWritten() {
    assertRefused("open('" + app.resolve("new.txt") + "', 'w')", "PermissionError");
    assertRefused("__import__('os').mkdir('" + app.resolve("d") + "')", "PermissionError");
    assertRefused("__import__('os').remove('" + app.resolve("data.txt") + "')", "PermissionError");
    assertFalse(Files.exists(app.resolve("new.txt")));
    assertTrue(Files.exists(app.resolve("data.txt")));
  }

  @Test
  void processesAreRefusedAtOnceAsCatchableErrors() {
    assertRefused("__import__('os').system('true')", "PermissionError");
    assertRefused("__import__('os').popen('true')", "PermissionError");
    assertRefused("__import__('subprocess').run(['true'])", "PermissionError");
    assertRefused("__import__('os').execv('/bin/true', ['true'])", "PermissionError");
  }

  @Test
  void processWideStateCannotBeChanged() {
    assertRefused("__import__('signal').signal(15, __import__('signal').SIG_IGN)", "PermissionError");
    assertRefused("__import__('_signal').signal(15, lambda *a: None)", "PermissionError");
    assertRefused("__import__('signal').alarm(1)", "PermissionError");
    assertRefused("__import__('os').kill(__import__('os').getpid(), 15)", "PermissionError");
    assertRefused("__import__('os').chdir('/')", "PermissionError");
    assertRefused("__import__('os').putenv('X', '1')", "PermissionError");
    assertEquals("ok: True", outcome("__import__('atexit').register(print) is print"), "accepted (the stdlib registers hooks)");
    assertRefused("__import__('atexit')._run_exitfuncs() or __import__('os')._exit(1)", "PermissionError");
    assertRefused("__import__('sys').setrecursionlimit(1000000)", "PermissionError");
    assertEquals("ok: None", outcome("__import__('sys').setrecursionlimit(2000)"));
    assertRefused("__import__('os')._exit(3)", "PermissionError");
  }

  @Test
  void theDenialsCannotBeUndoneByReloadingOrRecreatingBuiltinModules() {
    assertRefused("__import__('importlib').reload(__import__('_signal'))", "PermissionError");
    assertRefused("(__import__('sys').modules.pop('_signal'), __import__('_signal').signal(15, print))", "PermissionError");
    assertRefused("(__import__('sys').modules.pop('posix'), __import__('posix').system('true'))", "PermissionError");
  }

  @Test
  void threadsAndSocketsAreRefusedAtOnceAsCatchableErrors() {
    assertRefused("__import__('threading').Thread(target=print).start()", "PermissionError");
    assertRefused("__import__('_thread').start_new_thread(print, ())", "PermissionError");
    assertRefused("__import__('socket').create_connection(('127.0.0.1', 9))", "PermissionError");
    assertRefused("__import__('socket').socket().connect(('127.0.0.1', 9))", "PermissionError");
    assertRefused("__import__('_socket').socket()", "PermissionError");
    assertRefused("__import__('urllib.request').request.urlopen('http://127.0.0.1:9/')", "URLError");
  }

  @Test
  void noHostClassesNoOtherLanguagesNoNativeCode() {
    assertRefused("__import__('java').type('java.lang.Runtime')", "KeyError");
    assertRefused("__import__('polyglot').eval(language='js', string='1')", "RuntimeError");
    assertRefused("__import__('ctypes').CDLL(None)", "ImportError");
  }

  /**
   * The host's second line, should a handler get past the Python side (GraalPy installs Python
   * handlers as JVM ones). SIG_IGN cannot be taken back this way (the JVM refuses to handle a shutdown
   * signal once it is ignored), which is why the Python side refuses signal.signal outright.
   */
  @Test
  void aSignalHandlerReplacedBehindTheSandboxIsPutBack() throws Exception {
    Signal term = new Signal("TERM");
    SignalHandler intruder = sig -> { };
    SignalHandler guarded = Signal.handle(term, intruder);
    try {
      long deadline = System.nanoTime() + 30_000_000_000L;
      SignalHandler now = intruder;
      while (now == intruder && System.nanoTime() < deadline) {
        Thread.sleep(50);
        now = Signal.handle(term, intruder);
      }
      assertNotSame(intruder, now, "the guard restores the node's own SIGTERM handler");
      assertSame(guarded, now);
    } finally {
      Signal.handle(term, guarded);
    }
  }

  @Test
  void javaDeploymentAcceptsOnlyDeploymentClasses() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JavaDeployments.check("java.lang.ProcessBuilder"));
    assertTrue(e.getMessage().contains("not a deployment class"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JavaDeployments.check("java.io.RandomAccessFile"));
    assertThrows(IllegalArgumentException.class, () -> JavaDeployments.check("no.such.Clazz"));
    assertEquals(Annotated.class, JavaDeployments.check(Annotated.class.getName()));
    System.setProperty(JavaDeployments.PROPERTY, Listed.class.getName());
    try {
      assertEquals(Listed.class, JavaDeployments.check(Listed.class.getName()));
    } finally {
      System.clearProperty(JavaDeployments.PROPERTY);
    }
    assertThrows(IllegalArgumentException.class, () -> JavaDeployments.check(Listed.class.getName()));
  }

  @Test
  void aRefusedClassIsNeverInitialised() {
    assertThrows(IllegalArgumentException.class, () -> JavaDeployments.check(SandboxTest.class.getName() + "$Initialised"));
    assertFalse(SandboxFlag.touched, "its static initializer must not have run");
  }

  @Test
  void modelsLoadOnlyFromInsideTheAppFolder() {
    HostBridge bridge = new HostBridge(null, a -> a, app, null);
    assertThrows(java.nio.file.AccessDeniedException.class, () -> bridge.loadModel("../", "secret", "mnist-cnn"));
    assertThrows(java.nio.file.AccessDeniedException.class, () -> bridge.loadModel("root-link/etc", "passwd", "mnist-cnn"));
    assertThrows(IllegalArgumentException.class, () -> bridge.loadModel(".", "../../secret", "mnist-cnn"));
  }

  @Test
  void theOperatorMayAllowModelDirectoriesBesideTheAppFolder() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    assertThrows(java.nio.file.AccessDeniedException.class, () -> ModelDirs.resolve(app, "../models"));
    System.setProperty(ModelDirs.PROPERTY, models.toString());
    try {
      assertEquals(models.toRealPath(), ModelDirs.resolve(app, "../models"));
      assertThrows(java.nio.file.AccessDeniedException.class, () -> ModelDirs.resolve(app, "../secret.txt"));
    } finally {
      System.clearProperty(ModelDirs.PROPERTY);
    }
  }

  @dev.vserve.Deployment
  public static class Annotated {}

  public static class Listed {}

  public static class Initialised {
    static {
      SandboxFlag.touched = true;
    }
  }

  /** Records, outside the class under test, that its initializer ran. */
  static final class SandboxFlag {
    static volatile boolean touched;
  }
}
