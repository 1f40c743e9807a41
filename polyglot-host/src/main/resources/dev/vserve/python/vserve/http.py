from vserve import _context as _ctx

# ---------------------------------------------------------------------------------------------
# HTTP: the request object, responses, and a small FastAPI-style router

class HTTPException(Exception):
    def __init__(self, status_code, detail=None):
        Exception.__init__(self, detail or "")
        self.status_code = status_code
        self.detail = detail


class _Ready:
    """Lets `await request.json()` (Starlette) and `request.json()` both work."""

    def __await__(self):
        return self
        yield


class _ReadyDict(dict, _Ready):
    pass


class _ReadyList(list, _Ready):
    pass


class _ReadyBytes(bytes, _Ready):
    pass


class _ReadyStr(str, _Ready):
    pass


def _ready(v):
    if isinstance(v, dict):
        return _ReadyDict(v)
    if isinstance(v, list):
        return _ReadyList(v)
    if isinstance(v, str):
        return _ReadyStr(v)
    return v


class Request:
    """The request an ingress receives (Starlette's Request in Ray Serve)."""

    def __init__(self, java):
        self._j = java
        self.method = java.method()
        self._query = None
        self._headers = None

    @property
    def url(self):
        return _URL(self._j.url(), self._j.path())

    @property
    def query_params(self):
        if self._query is None:
            self._query = dict(self._j.query())
        return self._query

    @property
    def headers(self):
        if self._headers is None:
            self._headers = _Headers(self._j.headers())
        return self._headers

    @property
    def path_params(self):
        return getattr(self, "_path_params", {})

    def json(self):
        return _ready(self._j.json())

    def body(self):
        return _ReadyBytes(self._j.bodyLatin1().encode("latin-1"))

    def text(self):
        return _ReadyStr(self._j.text())


class _URL(str):
    def __new__(cls, full, path):
        s = str.__new__(cls, full)
        s.path = path
        return s


class _Headers(dict):
    def __init__(self, m):
        dict.__init__(self, ((k.lower(), v) for k, v in m.items()))

    def get(self, key, default=None):
        return dict.get(self, key.lower(), default)

    def __getitem__(self, key):
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key):
        return dict.__contains__(self, key.lower())


class Response:
    def __init__(self, content=b"", status_code=200, headers=None, media_type=None):
        self.body = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        self.status_code = status_code
        self.headers = dict(headers or {})
        if media_type is not None:
            self.headers["content-type"] = media_type
        elif isinstance(content, str):
            self.headers.setdefault("content-type", "text/plain; charset=utf-8")


class PlainTextResponse(Response):
    def __init__(self, content="", status_code=200, headers=None):
        Response.__init__(self, content, status_code, headers, "text/plain; charset=utf-8")


class JSONResponse(Response):
    def __init__(self, content=None, status_code=200, headers=None):
        Response.__init__(self, _ctx.host.toJson(content), status_code, headers, "application/json")


class StreamingResponse:
    def __init__(self, content, media_type=None, status_code=200, headers=None):
        self.content = content
        self.media_type = media_type


class App:
    """FastAPI's analogue: @app.get("/hello"), @app.post("/predict/{name}") on an ingress class
    (with @serve.ingress(app)). The routes are matched by the host's one matcher (the same as Java's:
    a literal segment beats a variable, path variables percent-decoded, 404/405); parameters come from
    path variables by name, then query parameters, then JSON body fields; `request` receives the Request."""

    def __init__(self, *_, **__):
        self._routes = []

    def _route(self, method, path):
        def wrap(fn):
            self._routes.append((method, path, fn))
            return fn
        return wrap

    def get(self, path, **_):
        return self._route("GET", path)

    def post(self, path, **_):
        return self._route("POST", path)

    def put(self, path, **_):
        return self._route("PUT", path)

    def delete(self, path, **_):
        return self._route("DELETE", path)

    def patch(self, path, **_):
        return self._route("PATCH", path)

    def _table(self):
        """[[method, path], ...] in declared order: what the host's matcher compiles."""
        return [[m, p] for m, p, _ in self._routes]


FastAPI = App


def ingress(app):
    def wrap(cls):
        cls._vserve_router = app
        return cls
    return wrap


class _ValidationError(HTTPException):
    """A route parameter missing or of the wrong type: 422, worded as the Java binder words it."""
    error_type = "ValidationError"


_CONVERT = {int: int, float: float, str: str}
_JSON_FITS = {int: lambda v: type(v) is int, float: lambda v: type(v) in (int, float), str: lambda v: type(v) is str,
              bool: lambda v: type(v) is bool}
_NO_BODY = object()


def _json_body(request):
    """The body as JSON when there is one and it says (or does not deny) it is JSON, else _NO_BODY."""
    ctype = request.headers.get("content-type")
    if not request._j.hasBody() or (ctype is not None and not ctype.startswith("application/json")):
        return _NO_BODY
    return request.json()


def _convert(n, t, raw):
    if t is bool:
        return str(raw).lower() in ("1", "true", "yes", "on")
    if t in _CONVERT:
        try:
            return _CONVERT[t](raw)
        except (TypeError, ValueError):
            raise _ValidationError(422, "parameter '%s' must be %s, got '%s'" % (n, t.__name__, raw))
    return raw


def _bind_route(fn, request, params):
    """Binds fn's parameters: path variable, query parameter, JSON body field (any method), default;
    an unannotated parameter or one of another type takes the whole JSON body when no field names it."""
    code = fn.__code__
    names = code.co_varnames[:code.co_argcount]
    hints = getattr(fn, "__annotations__", {})
    defaults = fn.__defaults__ or ()
    first_default = len(names) - len(defaults)
    out = {}
    body = None
    for i, n in enumerate(names):
        if i == 0 and n == "self":
            continue
        t = hints.get(n)
        if n == "request" or t is Request:
            out[n] = request
        elif n in params:
            out[n] = _convert(n, t, params[n])
        elif n in request.query_params:
            out[n] = _convert(n, t, request.query_params[n])
        else:
            if body is None:
                body = _json_body(request)
            if isinstance(body, dict) and n in body:
                v = body[n]
                if t in _JSON_FITS and not _JSON_FITS[t](v):
                    raise _ValidationError(422, "parameter '%s' must be %s, got %s"
                                           % (n, t.__name__, _ctx.host.toJson(v)))
                out[n] = v
            elif t not in _JSON_FITS and body is not _NO_BODY:
                out[n] = body
            elif i < first_default:
                raise _ValidationError(422, "missing required parameter '%s'" % n)
    return out
