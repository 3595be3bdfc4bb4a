"""Checking a finished run against its expectations, one `Check` per expectation.

Per step: it ran, it did not fail, and its ``expect:`` (status, body, headers, error, timing)
holds. For the run: ``finished_by``, the final ``state`` requests, the ``trace`` facts
(count, present, absent, duration, order; over the events from t0 on, setup's left out), and
the invariants (``all`` skips, and shows, those that cannot be checked on this cloud; one
named explicitly must be checkable).
"""

from __future__ import annotations

from typing import Any

from fakecloud.humanize import secs
from fakecloud.invariants import REGISTRY, judged, known, one_pass, reads_of
from fakecloud.scenario.consequences import link
from fakecloud.scenario.match import event_matches, mismatches
from fakecloud.scenario.model import Expect, Expectations, TraceCheck
from fakecloud.scenario.results import Check, StepFailed, record_from
from fakecloud.scenario.subst import Unresolved, has_refs
from fakecloud.trace_reader import events as events_of
from fakecloud.trace_reader import reading


def evaluate(run: Any, result: Any) -> None:
    """Append a `Check` to `result.checks` for every expectation of the case."""

    case = run.case
    for step, record in zip(case.steps, result.steps, strict=True):
        where = case.where(step.line)
        if not record.ran:
            result.checks.append(
                Check(
                    False, f"step {step.name} never ran: it waited for {record.waiting_for}", where
                )
            )
            continue
        expected_error = step.expect is not None and step.expect.error is not None
        if record.error is not None and not expected_error:
            result.checks.append(
                Check(False, f"step {step.name}: {record.error}", where, [], _at_answer(record))
            )
        if record.finished is None:
            if step.expect is not None:
                # what was seen goes in the details: the text is what explore groups seeds by
                result.checks.append(
                    Check(
                        False,
                        f"step {step.name} never finished",
                        where,
                        [f"still running at t={secs(result.end)}"],
                    )
                )
            continue
        if step.expect is not None:
            details = _step_mismatches(run, record, step.expect, step.spec)
            result.checks.append(
                Check(
                    not details,
                    f"step {step.name}: {_described(step.expect)}",
                    case.where(step.expect.line),
                    details,
                    _at_answer(record) if details else None,
                )
            )
    exp = case.expect
    plan = _plan_of(exp)
    if exp.finished_by is not None:
        ok = result.idle and result.end <= exp.finished_by + 1e-9
        state = (
            f"idle at t={secs(result.end)}"
            if result.idle
            else f"still busy at t={secs(result.end)}"
        )
        # Failed, what was seen goes in the details (as a step's ``took``): the text, which
        # `fakecloud explore` groups seeds by, is then the same for every seed it fails in.
        what = f"finished by t={exp.finished_by:g}"
        where = case.where(exp.finished_by_line)
        if ok:
            result.checks.append(Check(ok, f"{what} ({state})", where))
        else:
            result.checks.append(Check(ok, what, where, [state]))
    for state in exp.state:
        _check_state(run, result, state)
    # The trace checks and the invariants read the finished trace in one pass (the state
    # requests above write to it, so not before them).
    trace = run.kernel.trace
    with reading(trace, plan.kinds):
        events = _Events(trace, run.first_seq)
        for check in exp.trace:
            found = _trace_check(run, check, events)
            if check.name:  # "trace NAME: present ..." (explore.finds may name it)
                found.what = f"trace {check.name}: {found.what.removeprefix('trace ')}"
            result.checks.append(found)
        _check_invariants(run, result, plan)
    link(run, result)


class _Plan:
    """What the run-wide expectations of a case read, derived from them once: every run of
    the case (each explored seed) asks the same (see `_plan_of`)."""

    __slots__ = ("trace", "invariants", "violated", "kinds", "wanted", "explicit", "expected")

    def __init__(self, exp: Expectations):
        self.trace, self.invariants, self.violated = exp.trace, exp.invariants, exp.violated
        # the trace kinds the trace checks and the invariants read (one pass over the trace)
        self.kinds = frozenset(_kinds(exp.trace) | reads_of(_invariant_names(exp)))
        violated = list(exp.violated)
        if exp.invariants == "all":
            wanted = [n for n in REGISTRY if n not in violated]
        else:
            wanted = list(exp.invariants or [])
        self.explicit = exp.invariants != "all"
        # the invariants checked, and those expected violated: (name, registered invariant,
        # the check's text when it holds)
        self.wanted = [(name, inv, f"invariant {name}") for name, inv in known(wanted)]
        self.expected = [
            (name, inv, f"violated {name} (expected)") for name, inv in known(violated)
        ]

    def serves(self, exp: Expectations) -> bool:
        """Whether this plan was made from `exp` as it is (its fields the same objects)."""
        return (
            self.trace is exp.trace
            and self.invariants is exp.invariants
            and self.violated is exp.violated
        )


#: Plans by the id of the `Expectations` they were made from (with it, so the id stays its
#: own); cleared when full.
_PLANS: dict[int, tuple[Expectations, _Plan]] = {}
_PLANS_MAX = 256


def _plan_of(exp: Expectations) -> _Plan:
    """The `_Plan` of `exp`, made on its first run. A case's expectations are read, never
    changed, once it runs: a field given a new value makes a new plan (a list changed in place
    would not be seen)."""
    found = _PLANS.get(id(exp))
    if found is not None and found[0] is exp and found[1].serves(exp):
        return found[1]
    plan = _Plan(exp)
    if len(_PLANS) >= _PLANS_MAX:
        _PLANS.clear()
    _PLANS[id(exp)] = (exp, plan)
    return plan


def _kinds(checks: list[TraceCheck]) -> set[str]:
    """The plain event kinds the trace checks' patterns name (as written, before `${}`)."""
    patterns: list[Any] = []
    for check in checks:
        spec = check.spec
        found = spec.get(check.kind)
        if check.kind == "duration" and isinstance(found, dict):
            patterns += [found.get("from"), found.get("to")]
        elif isinstance(found, list):
            patterns += found
        else:
            patterns.append(found)
    kinds = [p.get("kind") for p in patterns if isinstance(p, dict)]
    return {k for k in kinds if isinstance(k, str) and "${" not in k}  # a list or map matches


def _invariant_names(exp: Expect) -> list[str]:
    """The invariants `_check_invariants` checks (wanted and violated)."""
    violated = list(exp.violated)
    if exp.invariants == "all":
        return [n for n in REGISTRY] + violated
    return list(exp.invariants or []) + violated


#: `_describe_expect` of an `Expect` by its id (with it, so the id stays its own).
_DESCRIBED: dict[int, tuple[Expect, str]] = {}


def _described(exp: Expect) -> str:
    """`_describe_expect(exp)`, written once per `Expect` (each run of a case asks again)."""
    found = _DESCRIBED.get(id(exp))
    if found is not None and found[0] is exp:
        return found[1]
    text = _describe_expect(exp)
    if len(_DESCRIBED) >= _PLANS_MAX:
        _DESCRIBED.clear()
    _DESCRIBED[id(exp)] = (exp, text)
    return text


def _describe_expect(exp: Expect) -> str:
    parts = []
    if exp.status is not None:
        parts.append(f"status {exp.status[0] if len(exp.status) == 1 else exp.status}")
    if exp.body is not None:
        parts.append("body")
    if exp.headers is not None:
        parts.append("headers")
    if exp.error is not None:
        parts.append("error")
    if exp.finished_at is not None:
        parts.append(f"finished at {exp.finished_at}")
    if exp.took is not None:
        parts.append(f"took {exp.took}")
    return ", ".join(parts) or "expectations"


def _step_mismatches(run: Any, record: Any, exp: Expect, spec: Any) -> list[str]:
    user = getattr(spec, "user", "demo")
    out = run._response_mismatches(record, exp, user)
    if exp.error is not None:
        out += mismatches(record.error, exp.error, "error")
    if exp.finished_at is not None and not exp.finished_at.contains(record.finished):
        out.append(f"finished at t={secs(record.finished)}, expected {exp.finished_at}")
    took = record.finished - record.started
    if exp.took is not None and not exp.took.contains(took):
        out.append(f"took {secs(took)} s, expected {exp.took}")
    return out


def _check_state(run: Any, result: Any, state: Any) -> None:

    where = run.case.where(state.line)
    request = state.request
    try:
        shown = f"{request.method} {run.resolve(request.path, request.user)}"
    except Unresolved:
        shown = request.describe()
    named = f"state {state.name}:" if state.name else "state:"
    what = f"{named} {shown}" + (f" ({state.note})" if state.note else "")
    try:
        response = run._call(state.request, what)
    except StepFailed as exc:
        result.checks.append(Check(False, what, where, [str(exc)]))
        return
    record = record_from(response)
    details = run._response_mismatches(record, state.expect, state.request.user)
    result.checks.append(Check(not details, what, where, details))


class _Events:
    """The run's trace events from t0 on (setup's left out), read per pattern.

    A pattern whose ``kind`` is plain text reads only the events of that kind (through the
    current `reading` block: one pass over the trace for every kind the checks name); any
    other pattern reads every event from t0, once per run.
    """

    _all: list[dict] | None

    def __init__(self, trace: Any, first_seq: int):
        self.trace = trace
        self.first_seq = first_seq
        self._all = None

    def like(self, pattern: dict) -> list[dict]:
        """The events from t0 on that match `pattern` (`event_matches`), in order."""
        return [e for e in self._candidates(pattern) if event_matches(e, pattern)]

    def _candidates(self, pattern: dict) -> list[dict]:
        # A plain kind matches by equality (one ending in ".*" by prefix) in both
        # `Trace.filter` and `event_matches`: the events of other kinds could not match.
        kind = pattern.get("kind")
        if isinstance(kind, str):
            first = self.first_seq
            return [e for e in events_of(self.trace, kind) if e["seq"] >= first]
        if self._all is None:
            self._all = self.trace[self.first_seq :]
        return self._all

    def like_any(self, patterns: list[dict]) -> list[dict]:
        """The events from t0 on that match any of `patterns`, in order."""
        if len(patterns) == 1:
            return self.like(patterns[0])
        merged = {e["seq"]: e for p in patterns for e in self.like(p)}
        return [merged[seq] for seq in sorted(merged)]


def _trace_check(run: Any, check: TraceCheck, events: _Events) -> Any:

    where = run.case.where(check.line)
    spec = check.spec
    note = f" ({check.note})" if check.note else ""
    try:
        if has_refs(spec):  # else read as it is (it has nothing to substitute)
            spec = run.resolve({k: v for k, v in spec.items() if k != "note"})
    except Unresolved as exc:
        return Check(False, f"trace {check.kind}{note}", where, [str(exc)])
    t0 = run.t0
    if check.kind in ("count", "present", "absent"):
        pattern = spec[check.kind]
        found = events.like(pattern)
        if check.kind == "count":
            n = len(found)
            bounds = {k: spec[k] for k in ("equals", "min", "max") if k in spec}
            ok = (
                ("equals" not in bounds or n == bounds["equals"])
                and ("min" not in bounds or n >= bounds["min"])
                and ("max" not in bounds or n <= bounds["max"])
            )
            text = " ".join(f"{k} {v}" for k, v in bounds.items()) or "any number"
            return Check(
                ok,
                f"trace count {_pattern(pattern)}: {text}{note}",
                where,
                [] if ok else [f"counted {n}"],
            )
        if check.kind == "absent":
            details = [f"t={secs(e['t'] - t0)}: {_event(e)}" for e in found[:5]]
            return Check(not found, f"trace absent {_pattern(pattern)}{note}", where, details)
        by = spec.get("by")
        if not found:
            return Check(
                False,
                f"trace present {_pattern(pattern)}{note}",
                where,
                ["no such event", *_nearest(pattern, events, t0)],
            )
        first = found[0]["t"] - t0
        if by is not None and first > by + 1e-9:
            return Check(
                False,
                f"trace present {_pattern(pattern)} by t={by:g}{note}",
                where,
                [f"first at t={secs(first)}"],
            )
        return Check(True, f"trace present {_pattern(pattern)}{note}", where)
    if check.kind == "order":
        return _order(spec["order"], events, where, note)
    return _duration(run, spec["duration"], events, where, note)


#: How many of the nearest events a failed `present` shows.
_NEAREST = 3


def _nearest(pattern: dict, events: _Events, t0: float) -> list[str]:
    """The events of `pattern`'s kind that miss it by the fewest fields, each with the fields
    it has instead: a `present` that failed because a number or a name moved (a slower disk
    made a copy take 10 s, not 1) says so rather than only "no such event". Of two events
    missing as many fields, the one missing a later field of the pattern is nearer (the first
    fields written name the event, `label: qemu-img convert`, the last ones measure it).
    Nothing when every event of the kind misses every field past the kind."""
    kind = pattern.get("kind")
    rest = [key for key in pattern if key != "kind"]
    if not isinstance(kind, str) or not rest:
        return []
    scored = []
    for event in events.like({"kind": kind}):
        missed = [key for key in rest if not event_matches(event, {key: pattern[key]})]
        scored.append(((len(missed), [-rest.index(key) for key in missed]), event, missed))
    if not scored:
        return []
    best = min(score for score, _, _ in scored)
    if best[0] >= len(rest):
        return []
    near = [(event, missed) for score, event, missed in scored if score == best][:_NEAREST]
    return [
        f"nearest: t={secs(event['t'] - t0)}: {_event(event)} with "
        + ", ".join(f"{key}: {event.get(key, '(none)')}" for key in missed)
        for event, missed in near
    ]


def _order(patterns: list[dict], events: _Events, where: str, note: str) -> Any:

    i = 0
    for event in events.like_any(patterns):
        if i < len(patterns) and event_matches(event, patterns[i]):
            i += 1
    ok = i == len(patterns)
    details = [] if ok else [f"after {i} in order, no later event like {_pattern(patterns[i])}"]
    return Check(ok, f"trace order of {len(patterns)} events{note}", where, details)


def _duration(run: Any, spec: dict, events: _Events, where: str, note: str) -> Any:

    start, stop, same = spec["from"], spec["to"], spec.get("same") or []
    end_t = run.kernel.now
    intervals: list[tuple[dict, dict | None, float]] = []
    stops = events.like(stop)
    for event in events.like(start):
        closing = None
        for later in stops:
            if later["seq"] > event["seq"] and all(later.get(f) == event.get(f) for f in same):
                closing = later
                break
        length = (closing["t"] if closing else end_t) - event["t"]
        intervals.append((event, closing, length))
    details = []
    lo, hi = spec.get("min"), spec.get("max")
    for event, closing, length in intervals:
        at = event["t"] - run.t0
        tail = "" if closing else " (never ended)"
        if hi is not None and length > hi + 1e-9:
            details.append(f"from t={secs(at)} lasted {secs(length)} s{tail}, more than {hi:g} s")
        if lo is not None and length < lo - 1e-9:
            details.append(f"from t={secs(at)} lasted {secs(length)} s{tail}, less than {lo:g} s")
    if "count" in spec and len(intervals) != spec["count"]:
        details.append(f"{len(intervals)} interval(s), expected {spec['count']}")
    if not intervals and "count" not in spec:
        details.append(f"no event like {_pattern(start)} (nothing to measure)")
    bounds = " ".join(
        x
        for x in (
            f">= {lo:g} s" if lo is not None else "",
            f"<= {hi:g} s" if hi is not None else "",
        )
        if x
    )
    what = f"trace duration {_pattern(start)} -> {_pattern(stop)} {bounds}{note}".rstrip()
    return Check(not details, what, where, details)


def _check_invariants(run: Any, result: Any, plan: _Plan) -> None:
    with one_pass():
        _check_each_invariant(run, result, plan)


def _check_each_invariant(run: Any, result: Any, plan: _Plan) -> None:

    exp = run.case.expect
    cloud = run.cloud
    explicit = plan.explicit
    where = run.case.where(exp.invariants_line)
    for name, inv, what in plan.wanted:
        violations, not_applicable = judged(cloud, inv)
        if not_applicable is not None:
            result.checks.append(
                Check(
                    False if explicit else None,
                    f"invariant {name}: not applicable ({not_applicable})",
                    where,
                )
            )
            continue
        if not violations:  # most hold: no call
            result.checks.append(Check(True, what, where))
            continue
        shown = violations[:_SHOWN]
        details = _shown(shown, run.t0)
        result.checks.append(Check(False, what, where, details, broke_seq(shown)))
    where = run.case.where(exp.violated_line)
    for name, inv, what in plan.expected:
        violations, not_applicable = judged(cloud, inv)
        if not_applicable is not None:
            result.checks.append(
                Check(False, f"violated {name}: not applicable ({not_applicable})", where)
            )
            continue
        details = _shown(violations, run.t0) or [
            "it held: the bad end state this run should show did not happen"
        ]
        result.checks.append(Check(bool(violations), what, where, details))


def _at_answer(record: Any) -> int | None:
    """`Check.broke_seq` of a check of a step's answer: the last trace event before it."""
    return None if record.answered_seq is None else record.answered_seq - 1


#: How many violations of one invariant a check's details show.
_SHOWN = 10


def _shown(violations: list, t0: float) -> list[str]:
    """The first ten violations as a check's details, their moments counted from t0 (as the
    rest of the run's report)."""
    return [v.shown_from(t0) for v in violations[:_SHOWN]]


def broke_seq(violations: list) -> int | None:
    """`Check.broke_seq` of a check showing `violations`: the latest trace event they broke
    at, when each that names a moment broke at an event (None otherwise)."""
    timed = [v for v in violations if v.at is not None]
    if not timed or any(v.seq is None for v in timed):
        return None
    return max(v.seq for v in timed)


#: `_pattern` texts by the id of the pattern (with it, so the id stays its own).
_PATTERNS: dict[int, tuple[dict, str]] = {}


def _pattern(pattern: dict) -> str:
    """A trace pattern as the checks show it, written once per pattern: a case's patterns are
    the same objects in each of its runs (one with ``${}`` is resolved anew each run)."""
    found = _PATTERNS.get(id(pattern))
    if found is not None and found[0] is pattern:
        return found[1]
    text = _pattern_text(pattern)
    if len(_PATTERNS) >= _PLANS_MAX:
        _PATTERNS.clear()
    _PATTERNS[id(pattern)] = (pattern, text)
    return text


def _pattern_text(pattern: dict) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pattern.items()) + "}"


def _event(event: dict) -> str:
    return f"{event['kind']} {event['actor']} {event['subject']}"
