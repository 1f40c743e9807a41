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
    (with @serve.ingress(app)). Parameters come from path segments by name, then query parameters,
    then (for other methods than GET) the JSON body; `request` receives the Request."""

    def __init__(self, *_, **__):
        self._routes = []

    def _route(self, method, path):
        parts = [p for p in path.split("/") if p]

        def wrap(fn):
            self._routes.append((method, parts, fn))
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

    def _match(self, method, path):
        segs = [p for p in path.split("/") if p]
        seen = False
        for m, parts, fn in self._routes:
            if len(parts) != len(segs):
                continue
            params = {}
            for p, s in zip(parts, segs):
                if p.startswith("{") and p.endswith("}"):
                    params[p[1:-1]] = s
                elif p != s:
                    break
            else:
                seen = True
                if m == method:
                    return fn, params
        if seen:
            raise HTTPException(405, "method %s not allowed on %s" % (method, path))
        raise HTTPException(404, "no route for %s %s" % (method, path))


FastAPI = App


def ingress(app):
    def wrap(cls):
        cls._vserve_router = app
        return cls
    return wrap


_CONVERT = {int: int, float: float, str: str}


def _bind_route(fn, request, params):
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
        if n == "request" or hints.get(n) is Request:
            out[n] = request
            continue
        if n in params:
            raw = params[n]
        elif n in request.query_params:
            raw = request.query_params[n]
        elif request.method not in ("GET", "HEAD") and hints.get(n) not in _CONVERT:
            if body is None:
                body = request.json()
            raw = body.get(n, body) if isinstance(body, dict) and n in body else body
            out[n] = raw
            continue
        elif i >= first_default:
            continue
        else:
            raise HTTPException(422, "missing parameter '%s'" % n)
        t = hints.get(n)
        if t is bool:
            out[n] = str(raw).lower() in ("1", "true", "yes", "on")
        elif t in _CONVERT:
            try:
                out[n] = _CONVERT[t](raw)
            except (TypeError, ValueError):
                raise HTTPException(422, "parameter '%s' must be %s, got %r" % (n, t.__name__, raw))
        else:
            out[n] = raw
    return out
