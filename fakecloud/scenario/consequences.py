"""Which failed checks of a run broke only because another of the same run did.

A step whose own expectation failed (a 500 where a 202 was expected) has nothing for its
``save:`` to write, so its save fails too; and a state check, a trace check or a later step
that reads what that step should have given (``${images.nightly.id}`` it saves,
``${steps.snap.body.image_id}``), still unknown when the run ended, fails for that reason.
A step answered an unexpected 500 where it expected another status also breaks invariant
``no_unexpected_500`` with that same answer (its ``api.error``, written while the step's request
was answered): when every 500 the invariant shows is the answer of a step whose own status check
failed, the invariant names that check as its cause too. Each of those names the step's failed
check as its cause (`Check.follows`), so `fakecloud explore` groups a run by its causes and shows
these under them (`fakecloud.explore.groups`).
"""

from __future__ import annotations

import re
from typing import Any

from fakecloud.scenario.subst import Unresolved

_REF = re.compile(r"\$\{\s*([^}]+?)\s*\}")


def link(run: Any, result: Any) -> None:
    """Set `Check.follows` on each failed check of `result` that is only the consequence of
    a failed step (`run`: the run, to ask what a ``${...}`` names once it has ended)."""
    checks = result.checks
    failed = [i for i, c in enumerate(checks) if c.ok is False]
    causes: dict[str, int] = {}  # a failed step -> its check that is the cause
    given: dict[str, str] = {}  # a name a failed step's save: writes -> that step
    for step, record in zip(run.case.steps, result.steps, strict=True):
        own = [i for i in failed if _about(checks[i].what, step.name)]
        if not own:
            continue
        unsaved = f"step {step.name}: {record.error}" if _save_failed(record) else None
        first = next((i for i in own if checks[i].what != unsaved), own[0])
        for i in own:
            if i != first and checks[i].what == unsaved:
                checks[i].follows = first
        causes[step.name] = first
        given.update(dict.fromkeys(step.save, step.name))
    if not causes:
        return
    for i in failed:
        check = checks[i]
        if check.follows is None:
            step = _reads_unknown(run, check, causes, given)
            if step is None and check.what == UNEXPECTED_500:
                step = _answered_500(run, result, causes)
            if step is not None and not _about(check.what, step):
                check.follows = causes[step]
    roots = {i: _root(checks, i) for i in failed}  # a cycle (steps waiting on each other) stays
    for i, root in roots.items():
        checks[i].follows = root


#: The invariant check a step's own unexpected 500 breaks too (`fakecloud.invariants`).
UNEXPECTED_500 = "invariant no_unexpected_500"


def _answered_500(run: Any, result: Any, causes: dict[str, int]) -> str | None:
    """The failed step whose answer is every ``api.error`` of the run, or None: each written
    between the step's start and its answer (`StepRecord.answered_seq`) by the request the
    step sent (its method and path), the step answered 500, its status check the cause."""
    trace = run.kernel.trace
    errors = list(trace.filter(kind="api.error"))
    records = {r.name: r for r in result.steps if r.name in causes and r.status == 500}
    if not errors or not records:
        return None
    spans = {}
    for event in trace.filter(kind="scenario.step", subject=tuple(records)):
        record = records[event["subject"]]
        if record.answered_seq is not None:
            spans[record.name] = (event["seq"], record.answered_seq, _line(record.what))
    found = None
    for error in errors:
        method, _, path = str(error["subject"]).partition(" ")
        step = next(
            (
                name
                for name, (start, end, (m, p)) in spans.items()
                if start < error["seq"] < end and m == method and path.endswith(p)
            ),
            None,
        )
        if step is None or found not in (None, step):
            return None
        found = step
    return found


def _line(what: str) -> tuple[str, str]:
    """A request step's method and path (without its query), as the service saw them."""
    method, _, target = what.partition(" ")
    path = target.split("?")[0]
    for prefix in ("/v2.1", "/v2", "/v3"):
        path = path.removeprefix(prefix)
    return method, path


def _about(what: str, step: str) -> bool:
    """Whether a check's text is about step `step` (`fakecloud.scenario.expect.evaluate`)."""
    return what.startswith((f"step {step}: ", f"step {step} never "))


def _save_failed(record: Any) -> bool:
    """Whether the step's error is its ``save:``'s (`ScenarioRun._save`), not its request's."""
    return record.error is not None and record.error.startswith("save ")


def _reads_unknown(
    run: Any, check: Any, causes: dict[str, int], given: dict[str, str]
) -> str | None:
    """The failed step whose outcome `check` names in a ``${...}`` still unknown at the end
    of the run, or None."""
    for text in (check.what, *map(str, check.details)):
        for ref in _REF.findall(text):
            parts = ref.split(".")
            step = parts[1] if parts[0] == "steps" and len(parts) > 1 else None
            if step is None:
                step = next(
                    (s for n, s in given.items() if ref == n or ref.startswith(n + ".")), None
                )
            if step in causes and _unknown(run, ref):
                return step
    return None


def _unknown(run: Any, ref: str) -> bool:
    try:
        run.lookup(ref)
    except Unresolved:
        return True
    return False


def _root(checks: list[Any], i: int) -> int | None:
    """The check `i` follows from at the end of its chain (None for a cause, or a cycle)."""
    seen = {i}
    at = checks[i].follows
    while at is not None and checks[at].follows is not None:
        if at in seen:
            return None
        seen.add(at)
        at = checks[at].follows
    return None if at in seen else at
