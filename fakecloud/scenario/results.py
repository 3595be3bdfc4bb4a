"""What running a scenario case produces: step records, checks, the case's result.

`fakecloud.scenario.runner` makes them and `fakecloud.scenario.expect` evaluates expectations
into `Check`s; both import them from here, so neither needs the other's module.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from fakecloud.api.http import Response
from fakecloud.scenario.model import Case


@dataclass
class StepRecord:
    """What one step did: when (scenario time), as whom, what, and what came back."""

    name: str
    action: str
    what: str
    line: int | None
    actor: str = ""
    started: float | None = None
    finished: float | None = None
    status: int | None = None
    body: Any = None
    headers: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    waiting_for: str = ""
    refusal: str = ""
    """An error answer's kind of refusal, as the service said it (`fakecloud.api.refusals`)."""
    request: Any = None
    """The body a request step sent (resolved); what its trace event does not say."""
    answered_seq: int | None = None
    """The sequence number the trace's next event had when the answer came: the events
    before it happened before the answer, whatever their virtual time."""

    @property
    def ran(self) -> bool:
        """Whether the step started."""
        return self.started is not None

    def outcome(self) -> dict[str, Any]:
        """The step as ``${steps.NAME...}`` sees it (the keys are `OUTCOME_PARTS`)."""
        return {
            "status": self.status,
            "body": self.body,
            "headers": self.headers,
            "error": self.error,
            "started": self.started,
            "finished": self.finished,
            "took": None
            if self.finished is None or self.started is None
            else self.finished - self.started,
        }


#: What ``${steps.NAME.PART}`` may name: the keys of `StepRecord.outcome`.
OUTCOME_PARTS = ("status", "body", "headers", "error", "started", "finished", "took")


@dataclass
class Check:
    """One expectation, evaluated: passed (True), failed (False) or skipped (None)."""

    ok: bool | None
    what: str
    where: str
    details: list[str] = field(default_factory=list)
    broke_seq: int | None = None
    """The sequence number of the last trace event before it broke, where that is known: a
    step's answer that was not as expected, or the events a broken invariant's details name
    the moments of (None otherwise)."""
    follows: int | None = None
    """For a failed check that broke only because another of the run did, the index in
    `CaseResult.checks` of that one, its cause (`fakecloud.scenario.consequences`)."""


@dataclass
class CaseResult:
    """Everything a run of one case produced."""

    case: Case
    seed: int
    cloud: Any
    t0: float = 0.0
    end: float = 0.0
    idle: bool = False
    steps: list[StepRecord] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    first_seq: int = 0
    """Sequence number of the first trace event written after t0."""
    driven_seq: int = 0
    """Sequence number one past the last trace event written while the run drove the clock:
    the events after it (the checks' own requests, the closing ``scenario.names``) come once
    the run has ended, and no step or insert can follow them."""
    names: dict[str, Any] = field(default_factory=dict)
    """What ``${...}`` names resolved to (world resources by kind and name, step outcomes)."""
    warnings: list[str] = field(default_factory=list)
    """What deserves a look though it failed nothing: a fault rule that never fired."""

    @property
    def failures(self) -> list[Check]:
        """The checks that failed."""
        return [c for c in self.checks if c.ok is False]

    @property
    def passed(self) -> bool:
        """True when no check failed."""
        return not self.failures

    @property
    def trace(self) -> Any:
        """The cloud's trace."""
        return self.cloud.trace

    def replay_command(self) -> str:
        """The command that replays this exact run, as a shell reads it (a file named
        ``my flow.yaml`` quoted)."""
        many = self.case.id != "default"
        case = f" --case {shlex.quote(self.case.id)}" if many else ""
        given = self.case.profile_given
        profile = f" --profile {shlex.quote(given)}" if given else ""
        return f"fakecloud run {shlex.quote(str(self.case.file))}{case} --seed {self.seed}{profile}"


class StepFailed(Exception):
    """A step could not do what it says (its message goes into the report)."""


def record_from(response: Response) -> StepRecord:
    """A step record of a response (for checks that make their own requests)."""
    record = StepRecord("", "request", "", None)
    fill(record, response)
    return record


def fill(record: StepRecord, response: Response) -> None:
    """Copy a response's status, body and headers into `record`."""
    record.status = response.status
    record.refusal = response.refusal
    try:
        record.body = response.json()
    except ValueError:
        record.body = response.body
    # A field sent on several lines (Nova's Vary) reads as clients merge it: 'a, b'.
    record.headers = {
        k: v if v.__class__ is str or not isinstance(v, (list, tuple)) else ", ".join(v)
        for k, v in response.headers.items()
    }
