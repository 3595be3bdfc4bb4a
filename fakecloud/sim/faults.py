"""The fault plan: named fault points that services consult, and the rules that fire there.

Code that can fail in a real cloud calls the plan at a named point with attributes describing
what is happening::

    cloud.faults.check("glance.upload", image_id=image.id, host="cmp-1")

A rule matches by point and attributes, and fires on the nth match, from a virtual time on, a
limited number of times, or with a seeded probability. Its action raises an error, delays, or
stalls until released. Every firing is traced (``kind="fault"``).

    >>> plan.add("cinder.snapshot.create", error=RuntimeError("backend down"), nth=2)

A cloud declares its points (`fakecloud.fault_points`, ``fakecloud list points``): a rule at a
point nobody consults, matching an attribute the point does not have, or naming an error nobody
registered is refused with the closest real name, since it would silently never fire. An error
may also be an HTTP status (``error=503``) at a point whose errors are HTTP answers (Nova's
clients of Glance and Cinder, Glance's upload): the exception that status gives there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Iterable
from typing import Any

from fakecloud.bounds import FRACTION, POSITIVE_COUNT, SECONDS, clock_time
from fakecloud.errors import ConfigError
from fakecloud.sim.ids import stream_seeded_on_use
from fakecloud.suggest import did_you_mean

ACTIONS = ("raise", "delay", "stall", "drop")
#: The points whose ``method`` names a method of an RPC endpoint (`fakecloud.sim.rpc`).
RPC_POINTS = ("rpc.cast", "rpc.queue", "rpc.call")
#: An attribute of at most this many values has them all in a refusal's message; one of more
#: (an RPC method) names the command that lists them.
_LISTED_VALUES = 12
#: The numeric fields of a rule and their ranges (virtual seconds, counts, a chance).
_FIELD_BOUNDS = {
    "delay_s": SECONDS,
    "nth": POSITIVE_COUNT,
    "times": POSITIVE_COUNT,
    "probability": FRACTION,
}


@dataclasses.dataclass(frozen=True)
class FaultPoint:
    """A named place where services consult the plan: what a rule there can match on
    (`attrs`; `open_attrs` when the caller adds its own), what usually goes wrong there
    (`usual`: error names or stall/drop/partway), and whose HTTP errors a status names there
    (`http`: ``glanceclient``, ``cinderclient``, ``glance``, ``oslo_limit``,
    ``keystoneauth``; None: statuses do not apply), and the values of the attributes that
    take only a few (`values`: ``(("command", ("guest-fsfreeze-freeze", ...)),)``), which a
    rule's match must name exactly."""

    name: str
    doc: str
    attrs: tuple[str, ...] = ()
    open_attrs: bool = False
    usual: tuple[str, ...] = ()
    http: str | None = None
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def match_problems(self, match: dict[str, Any]) -> list[tuple[str, str]]:
        """``(attribute, problem)`` for what in a rule's `match` would never match here: an
        attribute the point does not have (unless it takes the caller's own), a value an
        attribute of few values never has (`value_problems`)."""
        problems = []
        if not self.open_attrs:
            for key in match:
                if key not in self.attrs:
                    problems.append(
                        (
                            key,
                            f"fault point {self.name!r} has no attribute {key!r}"
                            f"{did_you_mean(key, self.attrs)}; it matches on "
                            f"{', '.join(self.attrs) or 'nothing'}",
                        )
                    )
        return problems + self.value_problems(match)

    def value_problems(self, match: dict[str, Any]) -> list[tuple[str, str]]:
        """``(attribute, problem)`` for each value of `match` its attribute never has
        (``command: freeze`` for ``guest-fsfreeze-freeze``: a rule that would never fire)."""
        problems = []
        for key, allowed in self.values:
            wanted = match.get(key)
            for value in wanted if isinstance(wanted, (list, tuple, set)) else [wanted]:
                if value is not None and value not in allowed and "${" not in str(value):
                    listed = (
                        f"{key} is one of {', '.join(allowed)}"
                        if len(allowed) <= _LISTED_VALUES
                        else f"`fakecloud list points {self.name}` lists all {len(allowed)}"
                    )
                    problems.append(
                        (
                            key,
                            f"fault point {self.name!r}: {key} {value!r} is none of its values"
                            f"{did_you_mean(value, allowed)}; {listed}",
                        )
                    )
        return problems


def attrs_match(match: dict[str, Any], attrs: dict[str, Any]) -> bool:
    """Whether work with `attrs` has what a rule's `match` asks: each attribute equal, or one
    of a list given, or (an attribute that is a list) among its items."""
    for key, want in match.items():
        have = attrs.get(key)
        if isinstance(have, (list, tuple, frozenset)) and not isinstance(want, (list, tuple)):
            if want not in have:
                return False
        elif isinstance(want, (list, tuple, set)):
            if have not in want:
                return False
        elif have != want:
            return False
    return True


@dataclasses.dataclass
class FaultRule:
    """One rule of the plan. `matches` counts the matches seen, `fired` the firings done."""

    point: str
    action: str = "raise"
    error: Any = None
    message: str | None = None
    match: dict[str, Any] = dataclasses.field(default_factory=dict)
    nth: int | None = None
    at: float | None = None
    until: float | None = None
    times: int | None = None
    probability: float | None = None
    delay_s: float = 0.0
    name: str = ""
    matches: int = 0
    fired: int = 0

    def describe(self) -> str:
        """A one-line description for traces and errors."""
        return self.name or f"{self.action}@{self.point}"


class FaultPlan:
    """The rules of one cloud, consulted at fault points by services and the kernel."""

    _rules: dict[str, list[FaultRule]]
    error_types: dict[str, Callable[..., BaseException]]
    _watchers: dict[str, list[Callable[[FaultRule], None]]]
    _stalls: dict[str, list[Any]]
    points: dict[str, FaultPoint]
    _status_errors: dict[str, Callable[[int, str | None], BaseException]]
    hot: frozenset[str]

    def __init__(self, kernel: Any):
        self._kernel = kernel
        self._rules = {}
        # seeded when a rule with a probability first fires (most clouds never do), or when a
        # save or fork reads it: its draws and saved bytes are those of `kernel.streams`'
        self._rng = stream_seeded_on_use(kernel.seed, "faults")
        self.error_types = {}
        self._watchers = {}
        self._stalls = {}
        #: The declared points (empty for a bare kernel: then any point is accepted).
        self.points = {}
        self._status_errors = {}
        #: The armed points (`armed`) as a set, for the hot paths' ``point in plan.hot``:
        #: made again by `rearm` on every change of the rules or of the explorer's points. A
        #: plain attribute, which Python 3.11 reads specialised (a ``cached_property`` it reads
        #: by the generic lookup every time); not saved (`fakecloud.state.kinds.MEMOS`),
        #: remade by a loaded cloud (`kinds.REDERIVED`).
        self.hot = frozenset()

    # -- building the plan -------------------------------------------------------------------

    def add(self, point: str, action: str = "raise", **fields: Any) -> FaultRule:
        """Add a rule at `point` (see `FaultRule` for the fields) and return it.

        A rule with ``at`` is also announced at that virtual time to the code watching the
        point, so work already under way (a running transfer) can be failed or stalled then.
        """
        if not isinstance(point, str) or not point:  # named first, as a mistyped point is
            raise ConfigError(f"a fault point is a non-empty name, got {point!r}")
        if action not in ACTIONS:
            raise ConfigError(f"fault action {action!r} is not one of {', '.join(ACTIONS)}")
        names = {f.name for f in dataclasses.fields(FaultRule)} - {"point", "action"}
        unknown = set(fields) - names
        if unknown:
            raise ConfigError(
                f"unknown fault rule field(s) {sorted(unknown)}; known: {sorted(names)}"
            )
        if action == "raise" and fields.get("error") is None:
            if self.points and isinstance(point, str) and point not in self.points:
                self._check_rule(point, fields)  # a mistyped point first: an error would not do
            raise ConfigError(f"fault at {point!r}: action 'raise' needs an error")
        self._check_fields(point, fields)
        if self.points:
            self._check_rule(point, fields)
        rule = FaultRule(point, action, **fields)
        self._rules.setdefault(point, []).append(rule)
        self.rearm()
        if rule.at is not None and rule.at > self._kernel.now:
            self._kernel.at(rule.at, _Announcement(self, rule))
        return rule

    def _check_fields(self, point: str, fields: dict[str, Any]) -> None:
        """Refuse what would make a rule silently never fire, or fire absurdly: a number out
        of range, an error name nothing registered, an RPC target that does not exist."""
        if not isinstance(point, str) or not point:
            raise ConfigError(f"a fault point is a non-empty name, got {point!r}")
        for name, bounds in _FIELD_BOUNDS.items():
            if fields.get(name) is not None:
                fields[name] = bounds.check(fields[name], f"fault at {point!r}: {name}")
        for name in ("at", "until"):  # times on the clock, which may be past MAX_SECONDS
            if fields.get(name) is not None:
                fields[name] = clock_time(
                    fields[name], f"fault at {point!r}: {name}", self._kernel.now
                )
        match = fields.get("match")
        if match is not None and not isinstance(match, dict):
            raise ConfigError(f"fault at {point!r}: match is a mapping, got {match!r}")
        error = fields.get("error")
        if not _raisable(error):  # a float or a bool was taken, then failed when it fired
            raise ConfigError(
                f"fault at {point!r}: error is an error name, an HTTP status, an exception "
                f"(class or instance) or a function making one, got {error!r}"
            )
        if _stops_the_program(error):
            # raised in a simulated process, it left the run as it came (the work it failed
            # stayed in flight, and every later run of the cloud raised it again)
            name = getattr(error, "__name__", type(error).__name__)
            raise ConfigError(
                f"fault at {point!r}: error {name} is no error a service raises but a signal "
                "to stop the program (a BaseException that is not an Exception); give an "
                "Exception (class or instance) or an error name"
            )
        if isinstance(error, str) and error.isdigit():
            fields["error"] = error = int(error)
        if isinstance(error, str) and error not in self.error_types:
            known = self.points.get(point)
            hint = " or an HTTP status (e.g. 503)" if known is not None and known.http else ""
            raise ConfigError(
                f"fault at {point!r}: unknown error {error!r}"
                f"{did_you_mean(error, self.error_types)}; name one of "
                f"{', '.join(sorted(self.error_types)) or 'none yet'}{hint} "
                "(`fakecloud list errors`)"
            )
        if point.startswith("rpc.") and match:
            known_targets = self._kernel.rpc.targets()
            wanted = match.get("target")
            targets = list(wanted) if isinstance(wanted, (list, tuple)) else [wanted]
            for target in targets:
                if target is not None and target not in known_targets:
                    raise ConfigError(
                        f"fault at {point!r}: unknown RPC target {target!r}"
                        f"{did_you_mean(str(target), known_targets)}; "
                        f"known: {', '.join(known_targets)}"
                    )
            wanted = match.get("method")
            named = [t for t in targets if t is not None]
            methods = self._kernel.rpc.methods(named or None)
            for method in wanted if isinstance(wanted, (list, tuple)) else [wanted]:
                if method is not None and "${" not in str(method) and method not in methods:
                    served = f"{', '.join(named)}'s endpoint" if named else "any endpoint"
                    raise ConfigError(
                        f"fault at {point!r}: no RPC method {method!r} on {served}"
                        f"{did_you_mean(str(method), methods)}; `fakecloud list points "
                        f"{point}` lists the services'"
                    )

    def _check_rule(self, point: str, fields: dict[str, Any]) -> None:
        """Refuse what would never fire at a declared point: an unknown point or attribute,
        a value an attribute of few values never has, an HTTP status where errors are not
        HTTP answers."""
        known = self.points.get(point)
        if known is None:
            raise ConfigError(
                f"unknown fault point {point!r}{did_you_mean(point, self.points)}; "
                "`fakecloud list points` lists them"
            )
        match = fields.get("match") or {}
        for key, problem in known.match_problems(match):
            if key == "method" and point in RPC_POINTS:
                continue  # the methods of the endpoints this cloud serves (`_check_fields`)
            raise ConfigError(problem)
        error = fields.get("error")
        if isinstance(error, int) and not isinstance(error, bool):
            self._check_status(known, error)

    def _check_status(self, point: FaultPoint, status: int) -> None:
        if point.http is None or point.http not in self._status_errors:
            raise ConfigError(
                f"fault at {point.name!r}: an HTTP status ({status}) names an error only where "
                "the error is an HTTP answer (image_api.*, volume_api.*, glance.upload); name "
                "the error here (`fakecloud list errors`)"
            )
        if not 400 <= status <= 599:
            raise ConfigError(f"fault at {point.name!r}: HTTP status {status} is not an error")
        try:
            self._status_errors[point.http](status, None)
        except KeyError:
            raise ConfigError(
                f"fault at {point.name!r}: {point.http} has no HTTP {status} error"
            ) from None

    def declare(self, point: FaultPoint) -> None:
        """Declare a fault point: rules at points not declared are refused from then on."""
        self.points[point.name] = point

    def register_error(self, name: str, factory: Callable[..., BaseException]) -> None:
        """Make an error type nameable from scenario files (``error: CinderOverLimit``)."""
        self.error_types[name] = factory

    def register_status_errors(
        self, side: str, factory: Callable[[int, str | None], BaseException]
    ) -> None:
        """How an HTTP status becomes an error at the points whose `FaultPoint.http` is
        `side`: ``factory(status, message)``."""
        self._status_errors[side] = factory

    def unfired(self) -> list[FaultRule]:
        """The rules that never fired (a typo'd match, a point the flow never reached)."""
        return [rule for rule in self.rules() if rule.fired == 0]

    def watch(self, point: str, callback: Callable[[FaultRule], None]) -> None:
        """Be told when a timed rule at `point` becomes active (used for work in flight)."""
        self._watchers.setdefault(point, []).append(callback)

    def rules(self, point: str | None = None) -> list[FaultRule]:
        """The rules at `point`, or all rules."""
        if point is not None:
            return list(self._rules.get(point, ()))
        return [r for rules in self._rules.values() for r in rules]

    def remove(self, rule: FaultRule) -> None:
        """Take one rule out of the plan (it will not fire, nor be announced); a rule not in
        it (another cloud's, one removed already) is a `ValueError`, as ``list.remove``."""
        if not any(r is rule for r in self._rules.get(getattr(rule, "point", None), ())):
            raise ValueError(f"not a rule of this fault plan: {rule!r}")
        kept = [r for r in self._rules.get(rule.point, ()) if r is not rule]
        if kept:
            self._rules[rule.point] = kept
        else:
            self._rules.pop(rule.point, None)
        self.rearm()

    def clear(self) -> None:
        """Remove every rule (stalled work stays stalled until released)."""
        self._rules.clear()
        self.rearm()

    # -- consulting the plan -----------------------------------------------------------------

    def check(self, point: str, **attrs: Any) -> FaultRule | None:
        """Consult `point`: raise if a raising rule fires, else return the fired rule or None.

        Callers that can wait use `pause` instead, which also carries out delays and stalls.
        """
        return self._consult(point, attrs)

    def armed(self, point: str) -> bool:
        """Whether consulting `point` now could do anything: a rule waits there, or the
        explorer decides there. Consulting a point that is not armed changes nothing, so a hot
        path may skip building its attributes (``if plan.armed(p): plan.pause(p, ...)``, or
        ``if p in plan.hot``, without a call)."""
        return point in self._rules or point in self._kernel.choices.fault_points

    def rearm(self) -> None:
        """The rules or the explorer's fault points changed, or a load filled the plan: `hot`
        is made again."""
        self.hot = frozenset(self._rules).union(self._kernel.choices.fault_points)

    def _consult(self, point: str, attrs: dict[str, Any]) -> FaultRule | None:
        explored = self._kernel.choices.fault_points
        if explored and point in explored:
            rule = self._kernel.choices.fault(point, attrs)
            if rule is not None:
                return self._apply(rule, attrs)
        rules = self._rules.get(point)
        if not rules:
            return None
        now = self._kernel.now
        for rule in rules:
            if self._fires(rule, now, attrs):
                return self._apply(rule, attrs)
        return None

    def _apply(self, rule: FaultRule, attrs: dict[str, Any]) -> FaultRule:
        """Trace a firing, raise a raising rule's error, or hand the rule back."""
        self._kernel.trace.emit(
            "fault", "fault_plan", rule.point, rule=rule.describe(), action=rule.action, **attrs
        )
        if rule.action == "raise":
            raise self.make_error(rule)
        return rule

    def pause(self, point: str, **attrs: Any) -> Iterable[Any]:
        """In a simulated process: ``rule = yield from plan.pause(point, ...)`` applies any
        rule (None when none fires). The plan is consulted at the call; only a fired rule
        costs a generator (most steps of most flows meet no rule)."""
        rule = self._consult(point, attrs)
        if rule is None:
            return ()
        return self._carry_out(point, rule)

    def _carry_out(self, point: str, rule: FaultRule) -> Generator[Any, Any, FaultRule]:
        if rule.action == "delay":
            yield self._kernel.env.timeout(rule.delay_s)
        elif rule.action == "stall":
            yield self.stall_event(point)
        return rule

    def stall_event(self, point: str) -> Any:
        """An event that fires only when `release(point)` is called."""
        event = self._kernel.env.event()
        self._stalls.setdefault(point, []).append(event)
        return event

    def release(self, point: str) -> int:
        """Let everything stalled at `point` go on; returns how many were waiting."""
        if self.points and point not in self.points:
            raise ConfigError(
                f"unknown fault point {point!r}{did_you_mean(point, self.points)}; "
                "`fakecloud list points` lists them"
            )
        waiting = self._stalls.pop(point, [])
        for event in waiting:
            event.succeed()
        self._kernel.trace.emit("fault.release", "fault_plan", point, released=len(waiting))
        return len(waiting)

    def fire(self, rule: FaultRule, **attrs: Any) -> bool:
        """Whether `rule` fires for work described by `attrs` (counted and traced if it does).

        Watchers use this when a timed rule becomes active, to pick the work in flight it hits.
        """
        if not self._fires(rule, self._kernel.now, attrs):
            return False
        self._kernel.trace.emit(
            "fault", "fault_plan", rule.point, rule=rule.describe(), action=rule.action, **attrs
        )
        return True

    def make_error(self, rule: FaultRule) -> BaseException:
        """The exception a raising rule throws."""
        error = rule.error
        if isinstance(error, BaseException):
            return error
        if isinstance(error, int) and not isinstance(error, bool):
            point = self.points.get(rule.point)
            factory = self._status_errors.get(point.http) if point and point.http else None
            if factory is None:
                raise ConfigError(f"fault at {rule.point!r}: no HTTP errors here ({error})")
            return factory(error, rule.message)
        if isinstance(error, str):
            factory = self.error_types.get(error)
            if factory is None:
                raise ConfigError(
                    f"fault at {rule.point!r}: unknown error {error!r}; "
                    f"known: {', '.join(sorted(self.error_types)) or 'none'}"
                )
            error = factory
        if callable(error):
            return error(rule.message) if rule.message is not None else error()
        raise ConfigError(f"fault at {rule.point!r}: cannot raise {error!r}")

    def _fires(self, rule: FaultRule, now: float, attrs: dict[str, Any]) -> bool:
        if rule.times is not None and rule.fired >= rule.times:
            return False
        if rule.at is not None and now < rule.at:
            return False
        if rule.until is not None and now > rule.until:
            return False
        if rule.match and not attrs_match(rule.match, attrs):
            return False
        rule.matches += 1
        if rule.nth is not None and rule.matches != rule.nth:
            return False
        if rule.probability is not None and self._rng.random() >= rule.probability:
            return False
        rule.fired += 1
        return True

    def _announce(self, rule: FaultRule) -> None:
        if not any(r is rule for r in self._rules.get(rule.point, ())):
            return  # removed or cleared before its time came
        for callback in self._watchers.get(rule.point, ()):
            callback(rule)


@dataclasses.dataclass(eq=False)
class _Announcement:
    """A timed rule becoming active, scheduled on the clock (a record rather than a closure,
    so that a saved cloud keeps it)."""

    plan: FaultPlan
    rule: FaultRule

    def __call__(self) -> None:
        self.plan._announce(self.rule)


def _stops_the_program(error: Any) -> bool:
    """Whether `error` is a `BaseException` outside `Exception` (``KeyboardInterrupt``,
    ``SystemExit``, ``GeneratorExit``), as a class or an instance."""
    if isinstance(error, type):
        return issubclass(error, BaseException) and not issubclass(error, Exception)
    return isinstance(error, BaseException) and not isinstance(error, Exception)


def _raisable(error: Any) -> bool:
    """Whether `make_error` can raise `error` (None: the rule raises nothing)."""
    if error is None or isinstance(error, (str, BaseException)):
        return True
    if isinstance(error, int):
        return not isinstance(error, bool)
    return callable(error)
