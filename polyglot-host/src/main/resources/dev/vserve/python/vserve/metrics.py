"""Custom metrics, as ray.serve.metrics: Counter, Gauge and Histogram with declared tag keys and
default tags. Recorded into the node's Prometheus registry (GET /-/metrics), each series also tagged
with the replica's application, deployment and replica. Create them in __init__, record anywhere."""
from vserve import _context as _ctx


class _Metric:
    _kind = None

    def __init__(self, name, description="", tag_keys=None):
        if not isinstance(name, str) or not name:
            raise ValueError("a metric needs a name (a non-empty string), got %r" % (name,))
        if tag_keys is None:
            tag_keys = ()
        if isinstance(tag_keys, str) or not all(isinstance(k, str) for k in tag_keys):
            raise TypeError("tag_keys must be a tuple of strings, got %r" % (tag_keys,))
        self._name = name
        self._description = description or ""
        self._tag_keys = tuple(tag_keys)
        self._default_tags = {}
        self._boundaries = []
        _ctx.host.metricCheck(self._kind, name, list(self._tag_keys))

    def set_default_tags(self, default_tags):
        self._check(default_tags)
        self._default_tags.update(default_tags)

    def _check(self, tags):
        if not isinstance(tags, dict):
            raise TypeError("tags must be a dict of tag key to value, got %r" % (tags,))
        for k, v in tags.items():
            if k not in self._tag_keys:
                raise ValueError("metric %s has no tag key '%s' (declared: %s)" % (self._name, k, list(self._tag_keys)))
            if not isinstance(v, str):
                raise TypeError("metric %s: tag '%s' must be a string, got %r" % (self._name, k, v))

    def _record(self, value, tags):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("metric %s: value must be a number, got %r" % (self._name, value))
        all_tags = dict(self._default_tags)
        if tags:
            self._check(tags)
            all_tags.update(tags)
        missing = [k for k in self._tag_keys if k not in all_tags]
        if missing:
            raise ValueError("metric %s: missing value for tag(s) %s (give them, or set_default_tags)" % (self._name, missing))
        _ctx.host.metric(self._kind, self._name, self._description, self._boundaries, list(self._tag_keys),
                         all_tags, float(value))


class Counter(_Metric):
    _kind = "counter"

    def inc(self, value=1.0, tags=None):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ValueError("counter %s only goes up; got %r" % (self._name, value))
        self._record(value, tags)


class Gauge(_Metric):
    _kind = "gauge"

    def set(self, value, tags=None):
        self._record(value, tags)


class Histogram(_Metric):
    _kind = "histogram"

    def __init__(self, name, description="", boundaries=None, tag_keys=None):
        if not boundaries or any(isinstance(b, bool) or not isinstance(b, (int, float)) for b in boundaries):
            raise ValueError("histogram %s needs boundaries: a list of increasing positive numbers" % (name,))
        b = [float(x) for x in boundaries]
        if any(x <= 0 for x in b) or any(b[i] <= b[i - 1] for i in range(1, len(b))):
            raise ValueError("histogram %s: boundaries must be positive and increasing, got %r" % (name, boundaries))
        self._kind = "histogram"
        _Metric.__init__(self, name, description, tag_keys)
        self._boundaries = b

    def observe(self, value, tags=None):
        self._record(value, tags)
