import sys
from vserve import _context as _ctx
from vserve.deployment import Application, Deployment, _describe
from vserve.tracebacks import _failure_in

# ---------------------------------------------------------------------------------------------
# loading the user's file (launcher and replicas)

def _load(path, text, module_name, attr):
    """Runs the file as a module; returns (True, attr value or None) or (False, message naming file and line)."""
    module = type(sys)(module_name)
    module.__file__ = path
    sys.modules[module_name] = module
    try:
        exec(compile(text, path, "exec"), module.__dict__)
    except SyntaxError as e:
        return (False, "%s, line %s: SyntaxError: %s" % (e.filename or path, e.lineno, e.msg))
    except BaseException as e:
        return (False, _failure_in(e, path))
    if attr is None:
        return (True, module)
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            return (False, "%s has no attribute '%s'" % (path, attr))
        obj = getattr(obj, part)
    return (True, obj)


def _application(module_attr_value, attr_given, named):
    """What the launcher deploys: the named attribute, else `app` (when it is an application), else
    what serve.run(...) was given (Ray's FastAPI example calls its router `app`)."""
    target = module_attr_value
    name = route_prefix = None
    if not named and not isinstance(target, (Application, Deployment)):
        target = None
    if target is None and _ctx.runs:
        target, name, route_prefix = _ctx.runs[-1]
    elif _ctx.runs:
        for t, n, p in _ctx.runs:
            if t is target:
                name, route_prefix = n, p
    if target is None:
        return (False, "no Application: the file has no `app` and calls no serve.run(app)")
    if isinstance(target, Deployment):
        target = target.bind()
    if not isinstance(target, Application):
        return (False, "`%s` is not an Application (use .bind())" % (attr_given,))
    try:
        return (True, [_describe(target), name, route_prefix])
    except TypeError as e:
        return (False, str(e))
