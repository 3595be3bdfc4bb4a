"""A scenario as plain records: the cloud to build, the steps, the expectations.

`build_case` turns one expanded, schema-valid case into a `Case`, checking what a schema
cannot (unique step names, one trigger per step, `after:` naming a real step, matcher
operators). Values may still hold ``${...}`` references to run-time things; the runner
resolves them when the step runs. Every record keeps the line it came from, so a failed
expectation points at the line that stated it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fakecloud.errors import ConfigError
from fakecloud.profiles import resolve as resolve_profile
from fakecloud.scenario.errors import Problem
from fakecloud.scenario.match import operator_problems
from fakecloud.scenario.schema import STEP_ACTIONS
from fakecloud.scenario.world import KINDS
from fakecloud.scenario.yamldoc import line_of
from fakecloud.transport.endpoints import SERVICE_ALIASES

#: Roots of ``${...}`` names that exist only while a scenario runs.
RUNTIME_ROOTS = frozenset({"steps", "project_id", *(k.name for k in KINDS)})


@dataclass(frozen=True)
class Range:
    """A time bound in virtual seconds: exactly a value, or between `min` and `max`."""

    min: float | None = None
    max: float | None = None

    @classmethod
    def parse(cls, value: Any) -> Range | None:
        """From a number (exact) or a ``{min, max}`` mapping."""
        if value is None:
            return None
        if isinstance(value, dict):
            return cls(value.get("min"), value.get("max"))
        return cls(float(value), float(value))

    def contains(self, x: float) -> bool:
        """Whether `x` is inside (with a nanosecond of slack for float arithmetic)."""
        eps = 1e-9
        return (self.min is None or x >= self.min - eps) and (
            self.max is None or x <= self.max + eps
        )

    def __str__(self) -> str:
        if self.min is not None and self.min == self.max:
            return f"{self.min:g} s"
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min:g} s")
        if self.max is not None:
            parts.append(f"<= {self.max:g} s")
        return " and ".join(parts)


@dataclass
class RequestSpec:
    """One API request, as written (references unresolved)."""

    method: str
    path: str
    service: str | None
    user: str
    microversion: str | None = None
    body: Any = None
    headers: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_fields(cls, line: str, data: dict) -> RequestSpec:
        """From ``"METHOD /path"`` and the step's service/as/microversion/body/headers."""
        method, _, path = line.partition(" ")
        return cls(
            method=method,
            path=path.strip(),
            service=SERVICE_ALIASES.get(data.get("service"), data.get("service")),
            user=data.get("as") or "demo",
            microversion=data.get("microversion"),
            body=data.get("body"),
            headers=dict(data.get("headers") or {}),
        )

    def describe(self) -> str:
        """``POST /servers/x/action`` (as written)."""
        return f"{self.method} {self.path}"


@dataclass
class Expect:
    """What one step's (or one state check's) outcome must be."""

    line: int | None
    status: list[int] | None = None
    body: Any = None
    headers: dict | None = None
    error: Any = None
    finished_at: Range | None = None
    took: Range | None = None
    lines: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def build(cls, data: dict | None, root: Any, path: tuple) -> Expect | None:
        """From an ``expect:`` mapping at `path` inside `root`."""
        if data is None:
            return None
        status = data.get("status")
        finished = Range.parse(data.get("finished_at"))
        if data.get("finished_by") is not None:
            bound = float(data["finished_by"])
            finished = Range(finished.min if finished else None, bound)
        return cls(
            line=line_of(root, path),
            status=[status] if isinstance(status, int) else status,
            body=data.get("body"),
            headers=data.get("headers"),
            error=data.get("error"),
            finished_at=finished,
            took=Range.parse(data.get("took")),
            lines={k: line_of(root, (*path, k)) for k in data},
        )


@dataclass
class Step:
    """One step: what it does (`action` and its `spec`), when, and what must come of it."""

    name: str
    index: int
    line: int | None
    action: str
    spec: Any
    at: float | None = None
    after: str | None = None
    on: dict | None = None
    on_nth: int = 1
    delay: float = 0.0
    expect: Expect | None = None
    save: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def describe(self) -> str:
        """A short text of what the step does, for reports."""
        spec = self.spec
        if self.action == "request":
            return spec.describe()
        if self.action == "fault":
            extra = "".join(
                f" {k}={spec[k]}" for k in ("match", "nth", "error", "delay_s") if k in spec
            )
            return f"fault {spec.get('action', 'raise')} at {spec['point']}{extra}"
        if self.action == "release":
            return f"release stalled work at {spec}"
        if self.action == "capacity":
            rate = {k: v for k, v in spec.items() if k != "resource"}
            return f"capacity {spec['resource']} -> {_rate_text(rate)}"
        if self.action == "transfer":
            return f"transfer {spec.get('label') or 'bytes'} ({_size_text(spec)})"
        if self.action == "rpc":
            return f"rpc {spec['target']} {'up' if spec['up'] else 'down'}"
        if self.action == "restart":
            service = "cinder-volume" if "@" in str(spec["host"]) else "nova-compute"
            return f"restart {service} on {spec['host']}"
        if self.action == "guest":
            return f"guest of {spec['server']} stops on its own ({spec['stops']})"
        if self.action == "wait":
            if isinstance(spec, (int, float)):
                return f"wait {spec:g} s"
            if "trace" in spec:
                return f"wait for trace {dict(spec['trace'])}"
            return f"poll {spec['poll']} until it matches"
        return self.action


def _rate_text(rate: dict) -> str:
    for key, unit in (("mb_per_s", "MB/s"), ("gbit_per_s", "Gbit/s"), ("bytes_per_s", "B/s")):
        if key in rate:
            return f"{rate[key]:g} {unit}"
    return "?"


def _size_text(spec: dict) -> str:
    for key, unit in (("size_gb", "GB"), ("size_mb", "MB"), ("size_bytes", "bytes")):
        if key in spec:
            return f"{spec[key]:g} {unit}"
    return "0 bytes"


@dataclass
class TraceCheck:
    """One fact about the trace (see the schema's `trace` checks)."""

    kind: str
    line: int | None
    spec: dict
    note: str = ""
    name: str = ""
    """Its ``name:`` (a bug hunt's ``explore.finds`` may list it), or empty."""


@dataclass
class StateCheck:
    """A request made after the run, and what it must answer."""

    request: RequestSpec
    expect: Expect
    line: int | None
    note: str = ""
    name: str = ""
    """Its ``name:`` (a bug hunt's ``explore.finds`` may list it), or empty."""


@dataclass
class Expectations:
    """What must be true about the whole run."""

    finished_by: float | None = None
    finished_by_line: int | None = None
    state: list[StateCheck] = field(default_factory=list)
    trace: list[TraceCheck] = field(default_factory=list)
    invariants: list[str] | str | None = None
    invariants_line: int | None = None
    violated: list[str] = field(default_factory=list)
    violated_line: int | None = None


@dataclass
class SetupItem:
    """One resource or request to make before the steps."""

    kind: str
    name: str | None
    line: int | None
    spec: dict
    path: tuple = ()


@dataclass
class CloudSpec:
    """The cloud to build and the world to create in it."""

    profile: str = "seed"
    seed: int = 0
    switches: dict[str, Any] = field(default_factory=dict)
    bugs: list[str] = field(default_factory=list)
    config: dict = field(default_factory=dict)
    setup: list[SetupItem] = field(default_factory=list)

    def cloud_config(self) -> dict[str, Any]:
        """The ``config=`` mapping for `Cloud`: sections, the world's projects and users,
        switches and bugs."""
        from fakecloud.scenario.world import identity_overrides

        out: dict[str, Any] = {k: _plain(v) for k, v in self.config.items()}
        world = identity_overrides(self.setup)
        if world:
            identity = out.setdefault("identity", {})
            for kind, items in world.items():
                identity[kind] = {**items, **(identity.get(kind) or {})}
        if self.switches:
            out["switches"] = dict(self.switches)
        if self.bugs:
            out["bugs"] = list(self.bugs)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass
class Case:
    """One runnable variant of a scenario file (a case × matrix cell)."""

    id: str
    file: str
    path: Path | None
    name: str | None
    params: dict[str, Any]
    cloud: CloudSpec
    steps: list[Step]
    expect: Expectations
    until: float | None
    idle_cap_s: float | None
    doc: Any
    note: str = ""
    explore: dict | None = None
    """The ``explore:`` section as written (`fakecloud.explore.spec` reads it); run ignores it."""
    choices: dict | None = None
    """Decisions written out by the explorer (``choices:``); run replays them exactly."""
    profile_given: str | None = None
    """``fakecloud run --profile``'s profile, run in place of the file's (the replay says it)."""

    def on_profile(self, profile: str) -> Case:
        """This case on `profile` in place of its own (``--profile``), its replay command
        saying so; `ConfigError` for a name that is no profile (with the closest)."""
        resolve_profile(profile)
        cloud = replace(self.cloud, profile=profile)
        return replace(self, cloud=cloud, profile_given=profile)

    def where(self, line: int | None) -> str:
        """``file:line`` for messages."""
        return f"{self.file}:{line}" if line else self.file

    def step(self, name: str) -> Step:
        """The step called `name`."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)


@dataclass
class Scenario:
    """A loaded scenario file: its name, description and expanded cases."""

    file: str
    path: Path | None
    name: str
    description: str
    cases: list[Case]

    def case(self, case_id: str) -> Case:
        """The case called `case_id` (KeyError naming the known ones)."""
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(f"no case {case_id!r}; cases: {', '.join(c.id for c in self.cases)}")


# -- building ----------------------------------------------------------------------------


class _Problems:
    def __init__(self, filename: str, root: Any):
        self.filename, self.root, self.items = filename, root, []

    def add(self, path: tuple, message: str) -> None:
        from fakecloud.scenario.errors import field_name

        self.items.append(
            Problem(self.filename, line_of(self.root, path), field_name(path), message)
        )

    def kinds(self, pattern: Any, path: tuple) -> None:
        """Refuse a trace pattern's plain ``kind`` no event has: an ``absent:`` of it passed
        whatever happened, a ``present:`` or an ``on:`` waiting for it failed as if the cloud
        had not done it."""
        from fakecloud.events import kind_problem

        listed = isinstance(pattern, list)
        for j, one in enumerate(pattern if listed else [pattern]):
            kind = one.get("kind") if isinstance(one, dict) else None
            problem = isinstance(kind, str) and "${" not in kind and kind_problem(kind)
            if problem:
                self.add((*path, j, "kind") if listed else (*path, "kind"), problem)

    def matchers(self, value: Any, path: tuple) -> None:
        for sub, message in operator_problems(value):
            parts = [p for p in sub.replace("[", ".").replace("]", "").split(".") if p]
            self.add(
                (*path, *[int(p) if p.isdigit() else p for p in parts]),
                message,
            )


def _check_fault_step(spec: Any, action: str, where: tuple, problems: _Problems) -> None:
    """A point of fakecloud's own families must be one of its points, with its attributes
    (other names may belong to a service a test plugs in: the run checks those)."""
    from fakecloud.fault_points import FAMILIES, points
    from fakecloud.suggest import did_you_mean

    point = spec.get("point") if action == "fault" else spec
    path = (*where, action, "point") if action == "fault" else (*where, action)
    if not isinstance(point, str) or "${" in point or point.split(".")[0] not in FAMILIES:
        return
    known = points().get(point)
    if known is None:
        problems.add(
            path,
            f"unknown fault point {point!r}{did_you_mean(point, points())}; "
            "`fakecloud list points` lists them",
        )
        return
    match = spec.get("match") if action == "fault" else None
    if isinstance(match, dict):
        for key, problem in known.match_problems(match):
            problems.add((*where, action, "match", key), problem)


def build_case(
    doc: Any,
    *,
    filename: str,
    path: Path | None,
    case_id: str,
    case_name: str | None,
    params: dict[str, Any],
    note: str = "",
) -> tuple[Case | None, list[Problem]]:
    """Build a `Case` from an expanded document (or return the problems found)."""
    problems = _Problems(filename, doc)
    cloud = _build_cloud(doc.get("cloud") or {}, problems)
    steps = _build_steps(doc.get("steps") or [], problems)
    expect = _build_expect(doc.get("expect") or {}, problems)
    _check_names_unique(steps, expect, problems)
    run = doc.get("run") or {}
    if problems.items:
        return None, problems.items
    return (
        Case(
            id=case_id,
            file=filename,
            path=path,
            name=case_name,
            params=params,
            cloud=cloud,
            steps=steps,
            expect=expect,
            until=run.get("until"),
            idle_cap_s=run.get("idle_cap_s"),
            doc=doc,
            note=str(note or ""),
            explore=doc.get("explore"),
            choices=doc.get("choices"),
        ),
        [],
    )


def _build_cloud(data: dict, problems: _Problems) -> CloudSpec:
    setup = []
    for kind in KINDS:
        for name, spec in (data.get(kind.name) or {}).items():
            setup.append(
                SetupItem(kind.name, name, line_of(problems.root, ("cloud", kind.name, name)), spec)
            )
    names = set()
    for i, item in enumerate(data.get("setup") or []):
        name = item.get("name")
        if name is not None:
            if name in names:
                problems.add(("cloud", "setup", i, "name"), f"setup request {name!r} named twice")
            names.add(name)
        problems.matchers(
            (item.get("expect") or {}).get("body"), ("cloud", "setup", i, "expect", "body")
        )
        setup.append(
            SetupItem(
                "setup",
                name,
                line_of(problems.root, ("cloud", "setup", i)),
                item,
                ("cloud", "setup", i),
            )
        )
    bugs = list(data.get("bugs") or [])
    profile = data.get("profile", "seed")
    try:
        resolve_profile(profile)
    except ConfigError as exc:
        problems.add(("cloud", "profile"), str(exc))
    return CloudSpec(
        profile=profile,
        seed=int(data.get("seed", 0)),
        switches=dict(data.get("switches") or {}),
        bugs=bugs,
        config=dict(data.get("config") or {}),
        setup=setup,
    )


def _build_steps(items: list, problems: _Problems) -> list[Step]:
    steps: list[Step] = []
    names: dict[str, int] = {}
    for i, data in enumerate(items):
        where = ("steps", i)
        name = data.get("name") or f"step{i + 1}"
        if name in names:
            problems.add(
                (*where, "name"), f"step name {name!r} is already used by steps[{names[name]}]"
            )
        names[name] = i
        triggers = [k for k in ("at", "after", "on") if k in data]
        if len(triggers) > 1:
            problems.add(where, f"give one of at, after, on (got {' and '.join(triggers)})")
        if "delay" in data and not ({"after", "on"} & set(data)):
            problems.add(
                (*where, "delay"),
                "delay counts from an after: or on: trigger; use at: for a fixed time",
            )
        action = next(a for a in STEP_ACTIONS if a in data)
        if action != "request":
            for key in ("service", "as", "microversion", "body", "headers"):
                if key in data:
                    problems.add(
                        (*where, key), f"{key} belongs to a request step, this step is a {action}"
                    )
        spec: Any = data[action]
        if action == "request":
            spec = RequestSpec.from_fields(data["request"], data)
        elif action == "wait" and isinstance(spec, dict) and "poll" in spec:
            problems.matchers(spec["until"].get("body"), (*where, "wait", "until", "body"))
        elif action == "wait" and isinstance(spec, dict):
            problems.matchers(spec["trace"], (*where, "wait", "trace"))
            problems.kinds(spec["trace"], (*where, "wait", "trace"))
        elif action == "transfer":
            sizes = [k for k in ("size_bytes", "size_mb", "size_gb") if k in spec]
            if len(sizes) > 1:
                problems.add((*where, "transfer"), f"give one size, got {', '.join(sizes)}")
        elif action in ("fault", "release"):
            _check_fault_step(spec, action, where, problems)
        elif action == "capacity":
            rates = [k for k in ("bytes_per_s", "mb_per_s", "gbit_per_s") if k in spec]
            if len(rates) != 1:
                problems.add(
                    (*where, "capacity"), "give exactly one of bytes_per_s, mb_per_s, gbit_per_s"
                )
        if "on" in data:
            problems.matchers(data["on"]["trace"], (*where, "on", "trace"))
            problems.kinds(data["on"]["trace"], (*where, "on", "trace"))
        expect = Expect.build(data.get("expect"), problems.root, (*where, "expect"))
        if expect is not None:
            problems.matchers(expect.body, (*where, "expect", "body"))
            problems.matchers(expect.headers, (*where, "expect", "headers"))
            problems.matchers(expect.error, (*where, "expect", "error"))
            if action not in ("request",) and (expect.status or expect.body or expect.headers):
                problems.add(
                    (*where, "expect"),
                    f"status, body and headers are for request steps; this step is a {action}",
                )
        for key in data.get("save") or {}:
            if str(key).split(".")[0] == "steps" or "." not in str(key):
                problems.add(
                    (*where, "save", key),
                    "a saved name looks like kind.name.field (e.g. images.snap.id), "
                    "not under steps",
                )
            elif "${" in str(key):  # was saved under the literal text, never substituted
                problems.add(
                    (*where, "save", key),
                    "a saved name is written as it is, not a ${...} template: name it "
                    "(images.second.id) and refer to it as ${images.second.id}",
                )
        steps.append(
            Step(
                name=name,
                index=i,
                line=line_of(problems.root, where),
                action=action,
                spec=spec,
                at=data.get("at"),
                after=data.get("after"),
                on=data["on"]["trace"] if "on" in data else None,
                on_nth=data["on"].get("nth", 1) if "on" in data else 1,
                delay=float(data.get("delay", 0.0)),
                expect=expect,
                save=dict(data.get("save") or {}),
                note=str(data.get("note") or ""),
            )
        )
    for step in steps:
        if step.after is not None:
            if step.after not in names:
                problems.add(
                    ("steps", step.index, "after"),
                    f"no step named {step.after!r}; steps: {', '.join(names)}",
                )
            elif step.after == step.name:
                problems.add(("steps", step.index, "after"), "a step cannot run after itself")
    _check_cycles(steps, names, problems)
    return steps


def _check_cycles(steps: list[Step], names: dict[str, int], problems: _Problems) -> None:
    for step in steps:
        seen, current = [step.name], step
        while current.after is not None and current.after in names:
            current = steps[names[current.after]]
            if current.name in seen:
                if current is step:
                    chain = " -> ".join([*seen, step.name])
                    problems.add(
                        ("steps", step.index, "after"),
                        f"steps wait on each other in a circle: {chain}",
                    )
                break
            seen.append(current.name)


def _check_names_unique(steps: list[Step], exp: Expectations, problems: _Problems) -> None:
    """A named state or trace check's name is its own: no step and no other check has it
    (``explore.finds`` names either)."""
    taken = {step.name: f"steps[{i}]" for i, step in enumerate(steps)}
    for part, checks in (("state", exp.state), ("trace", exp.trace)):
        for i, check in enumerate(checks):
            if not check.name:
                continue
            if check.name in taken:
                problems.add(
                    ("expect", part, i, "name"),
                    f"name {check.name!r} is already used by {taken[check.name]}",
                )
            taken[check.name] = f"expect.{part}[{i}]"


def _build_expect(data: dict, problems: _Problems) -> Expectations:
    out = Expectations(
        finished_by=data.get("finished_by"),
        finished_by_line=line_of(problems.root, ("expect", "finished_by")),
        invariants=data.get("invariants"),
        invariants_line=line_of(problems.root, ("expect", "invariants")),
        violated=list(data.get("violated") or []),
        violated_line=line_of(problems.root, ("expect", "violated")),
    )
    for i, item in enumerate(data.get("state") or []):
        where = ("expect", "state", i)
        expect = Expect.build(item["expect"], problems.root, (*where, "expect"))
        problems.matchers(expect.body, (*where, "expect", "body"))
        out.state.append(
            StateCheck(
                RequestSpec.from_fields(item["request"], item),
                expect,
                line_of(problems.root, where),
                str(item.get("note") or ""),
                str(item.get("name") or ""),
            )
        )
    for i, item in enumerate(data.get("trace") or []):
        kind = next(k for k in ("count", "present", "absent", "duration", "order") if k in item)
        where = ("expect", "trace", i)
        if kind == "duration":
            for end in ("from", "to"):
                problems.matchers(item["duration"][end], (*where, "duration", end))
                problems.kinds(item["duration"][end], (*where, "duration", end))
        else:
            problems.matchers(item[kind], (*where, kind))
            problems.kinds(item[kind], (*where, kind))
        if kind != "count" and {"equals", "min", "max"} & set(item):
            problems.add(where, "equals/min/max go with count:")
        if kind != "present" and "by" in item:
            problems.add((*where, "by"), "by: goes with present:")
        out.trace.append(
            TraceCheck(
                kind,
                line_of(problems.root, where),
                {k: v for k, v in item.items() if k != "name"},
                str(item.get("note") or ""),
                str(item.get("name") or ""),
            )
        )
    both = set(out.violated) & set(out.invariants if isinstance(out.invariants, list) else [])
    for name in sorted(both):
        problems.add(
            ("expect", "violated"), f"{name} is listed both as holding (invariants) and as violated"
        )
    return out
