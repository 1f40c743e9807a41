# ---------------------------------------------------------------------------------------------
# where an exception was raised, as the node's errors and logs name it

def _where(e):
    """file:line of the innermost frame."""
    tb = e.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return ""
    return "%s:%d" % (last.tb_frame.f_code.co_filename, last.tb_lineno)


def _trace(e):
    lines = []
    tb = e.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        lines.append('  File "%s", line %d, in %s' % (code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return "\n".join(lines)


def _where_in(e, path):
    """"path, line N" of the innermost frame in the user's file `path`; None when it is not on the stack."""
    tb = e.__traceback__
    where = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            where = "%s, line %d" % (path, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _failure_in(e, path):
    """A failure while the user's file `path` ran: "file, line N: Type: message"."""
    return "%s: %s: %s" % (_where_in(e, path) or path, type(e).__name__, e)
