"""Ray Serve's autoscaling names (vserve.serve.config): the settings, a custom policy, and the
context a policy function receives. The controller runs the policy; this module only describes it."""

_FIELDS = ("min_replicas", "initial_replicas", "max_replicas", "target_ongoing_requests", "metrics_interval_s",
           "look_back_period_s", "smoothing_factor", "upscale_smoothing_factor", "downscale_smoothing_factor",
           "upscaling_factor", "downscaling_factor", "upscale_delay_s", "downscale_delay_s",
           "downscale_to_zero_delay_s", "aggregation_function", "policy")


# Ray's policy scaling a task consumer on its queue; vserve's runs on the consumer's own queue, so the
# broker_url / queue_name of its policy_kwargs are not needed (and named in the log as unused)
_QUEUE_POLICIES = ("ray.serve.async_inference_autoscaling_policy:AsyncInferenceAutoscalingPolicy",
                   "dev.vserve.tasks.AsyncInferenceAutoscalingPolicy")


class AutoscalingPolicy:
    """A custom policy: a function of the application's file (or its name), called with an
    AutoscalingContext at each tick; it returns (replicas, state)."""

    def __init__(self, policy_function=None, policy_kwargs=None, **_unknown):
        if _unknown:
            raise TypeError("AutoscalingPolicy: unknown option(s) %s" % sorted(_unknown))
        if policy_function is None:
            raise TypeError("AutoscalingPolicy needs policy_function")
        if policy_kwargs and policy_function not in _QUEUE_POLICIES:
            raise TypeError("AutoscalingPolicy: policy_kwargs are supported for the task queue policy only "
                            "(%s)" % _QUEUE_POLICIES[0])
        self.policy_function = policy_function
        self.policy_kwargs = policy_kwargs

    def _name(self):
        f = self.policy_function
        if isinstance(f, str):
            return f
        if "<locals>" in getattr(f, "__qualname__", "<locals>"):
            raise TypeError("an autoscaling policy must be a function defined at module level of the app's file")
        return f.__qualname__


class AutoscalingConfig:
    """Ray's AutoscalingConfig: keyword arguments with Ray's names; the controller applies Ray's defaults."""

    def __init__(self, **options):
        for k in options:
            if k not in _FIELDS:
                raise TypeError("AutoscalingConfig: unknown option '%s'" % k)
        self._options = options

    def _dict(self):
        return _as_dict(self._options)


def _as_dict(value):
    """autoscaling_config as the Java side reads it: a dict, with the policy by name."""
    if isinstance(value, AutoscalingConfig):
        return value._dict()
    if not isinstance(value, dict):
        raise TypeError("autoscaling_config must be a dict or an AutoscalingConfig, got %r" % (value,))
    out = {}
    for k, v in value.items():
        if k == "policy" and v is not None:
            if isinstance(v, dict):
                v = AutoscalingPolicy(**v)
            if not isinstance(v, AutoscalingPolicy):
                v = AutoscalingPolicy(policy_function=v)
            if v.policy_kwargs:
                from vserve import _context as _ctx
                _ctx.host.warn("AsyncInferenceAutoscalingPolicy: policy_kwargs %s are not used: the policy reads "
                               "the consumer's own queue in the cluster" % sorted(v.policy_kwargs))
            v = {"policy_function": v._name()}
        out[k] = v
    return out


class _View:
    """A read-only object over a dict: ctx.current_num_replicas, ctx.config.max_replicas."""

    def __init__(self, values):
        self.__dict__.update(values)

    def __repr__(self):
        return "AutoscalingContext(%r)" % (self.__dict__,)


AutoscalingContext = _View


def _call_policy(fn, ctx):
    """The controller's call: ctx arrives as a dict; the answer is (replicas, state) or a number."""
    values = dict(ctx)
    values["config"] = _View(dict(values["config"]))
    values["aggregated_metrics"] = {k: dict(v) for k, v in dict(values["aggregated_metrics"]).items()}
    values["raw_metrics"] = {k: {r: list(s) for r, s in dict(v).items()} for k, v in dict(values["raw_metrics"]).items()}
    values["policy_state"] = dict(values["policy_state"])
    out = fn(_View(values))
    if isinstance(out, tuple) and len(out) == 2:
        return [out[0], out[1] or {}]
    return [out, {}]


def _call_app_policy(fn, contexts):
    """An application-level policy: {deployment: ctx} in, ({deployment: replicas}, {deployment: state}) out."""
    views = {}
    for name, ctx in dict(contexts).items():
        values = dict(ctx)
        values["config"] = _View(dict(values["config"]))
        values["aggregated_metrics"] = {k: dict(v) for k, v in dict(values["aggregated_metrics"]).items()}
        values["policy_state"] = dict(values["policy_state"])
        views[name] = _View(values)
    out = fn(views)
    decisions, states = out if isinstance(out, tuple) else (out, {})
    states = states or {}
    return {name: [n, states.get(name, {})] for name, n in dict(decisions).items()}


def _call_policy_json(fn, text):
    import json
    return json.dumps(_call_policy(fn, _ctx_names(json.loads(text))))


def _call_app_policy_json(fn, text):
    import json
    return json.dumps(_call_app_policy(fn, {k: _ctx_names(v) for k, v in json.loads(text).items()}))


def _ctx_names(values):
    """Java's camelCase record fields as Ray's snake_case names (the config too)."""
    out = {_snake(k): v for k, v in values.items()}
    out["config"] = {_snake(k): v for k, v in out["config"].items()}
    return out


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name)
