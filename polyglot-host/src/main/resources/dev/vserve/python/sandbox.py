# vserve's sandbox, Python side: run in every context before any user code.
#
# The host enforces the limits (no processes, threads, sockets, native code or host classes; files
# read-only under the application's folder). Several of those refusals reach Python as Java
# exceptions that Python cannot catch, and a few operations would change the whole JVM (signal
# handlers, the alarm thread, exit). Here each of them becomes a PermissionError, raised at once and
# catchable, naming what was refused.
import errno as _errno
import sys as _sys

RECURSION_LIMIT_CAP = 10000


def _denied(what):
    def denied(*_args, **_kwargs):
        raise PermissionError(_errno.EPERM, "vserve sandbox: %s is not allowed in a deployment" % what)
    denied.__name__ = what.rsplit(".", 1)[-1]
    return denied


def _deny(module, names, prefix=None):
    for name in names:
        if hasattr(module, name):
            setattr(module, name, _denied("%s.%s" % (prefix or module.__name__, name)))


def install():
    # the builtin modules are patched before their Python wrappers (os, signal, threading, socket) are
    # imported: those copy what they find (`from _socket import *`...), so they get the refusals too,
    # and no context pays for importing them unless its code does (they are slow to import, interpreted)
    import posix, _signal, _thread, atexit, _socket
    loaded = _sys.modules.get
    process = ("system", "popen", "fork", "forkpty", "vfork", "kill", "killpg", "_exit", "abort",
               "execv", "execve", "execl", "execle", "execlp", "execlpe", "execvp", "execvpe",
               "spawnv", "spawnve", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnvp", "spawnvpe",
               "posix_spawn", "posix_spawnp", "chdir", "fchdir", "chroot", "putenv", "unsetenv",
               "setsid", "setpgid", "setpgrp", "nice", "setuid", "setgid", "seteuid", "setegid",
               "pidfd_open")
    _deny(posix, process, "os")
    if loaded("os") is not None:
        _deny(loaded("os"), process, "os")
    try:
        import _posixsubprocess
        _deny(_posixsubprocess, ("fork_exec",), "subprocess")
    except ImportError:
        pass
    signals = ("signal", "alarm", "setitimer", "pthread_kill", "raise_signal", "set_wakeup_fd",
               "siginterrupt", "pthread_sigmask", "pause", "sigwait", "sigwaitinfo", "sigtimedwait")
    _deny(_signal, signals, "signal")
    if loaded("signal") is not None:
        _deny(loaded("signal"), signals, "signal")
    threads = ("start_new_thread", "start_new", "start_joinable_thread", "interrupt_main")
    _deny(_thread, threads, "threading")
    if loaded("threading") is not None:
        loaded("threading").Thread.start = _denied("threading.Thread.start")
    # the standard library registers exit hooks as it imports (asyncio, logging): accepted, never run,
    # since a replica's end is not the process's and an exit hook must not hold up the node's stop
    atexit.register = lambda func, *_args, **_kwargs: func
    network = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo",
               "socketpair", "fromfd", "create_connection", "create_server")
    _deny(_socket, network, "socket")

    class _NoSocket(_socket.socket):
        __slots__ = ()   # socket.py's subclass declares __weakref__ itself

        def __init__(self, *_args, **_kwargs):
            raise PermissionError(_errno.EPERM, "vserve sandbox: sockets are not allowed in a deployment")
    _socket.socket = _NoSocket
    _socket.SocketType = _NoSocket
    if loaded("socket") is not None:
        _deny(loaded("socket"), network, "socket")
        loaded("socket").socket.__init__ = _NoSocket.__init__

    cap = RECURSION_LIMIT_CAP
    set_limit = _sys.setrecursionlimit

    def setrecursionlimit(limit):
        if limit > cap:
            raise PermissionError(_errno.EPERM, "vserve sandbox: the recursion limit is capped at %d" % cap)
        set_limit(limit)
    _sys.setrecursionlimit = setrecursionlimit

    # a builtin module reloaded or created anew would bring back what is denied above
    import importlib, _imp
    reload = importlib.reload
    builtins_ = set(_sys.builtin_module_names)

    def safe_reload(module):
        if getattr(module, "__name__", None) in builtins_ or module is _sys:
            raise PermissionError(_errno.EPERM, "vserve sandbox: reloading a builtin module is not allowed")
        return reload(module)
    importlib.reload = safe_reload
    create_builtin = _imp.create_builtin

    kept = {m.__name__: m for m in (posix, _signal, _thread, atexit, _socket, _imp, _sys)}

    def safe_create_builtin(spec):
        return kept.get(spec.name) or create_builtin(spec)
    _imp.create_builtin = safe_create_builtin
