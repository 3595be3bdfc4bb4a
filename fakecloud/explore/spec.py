"""A scenario's ``explore:`` section, read into an `ExploreSpec` with sensible defaults.

    explore:
      seeds: 200
      chance: {rpc_delay: {max_s: 0.05}, tie_order: true, throughput_jitter: 0.2}
      faults:
        - volume_api.create_snapshot_force          # its usual failures
        - {point: cinder.snapshot.create, errors: [CinderBackendError, stall], likelihood: 0.3}
        - {restart: cmp-1}                          # nova-compute restarts at some moment
        - {restart: cinder@lvmdriver-1}             # a backend's cinder-volume does
      adversary:
        - {delete_server: web}
        - {delete_image: "${steps.snap.body.image_id}", likelihood: 0.5}

Everything is optional: ``explore: {seeds: 50}`` explores delays, orders and throughputs. The
schema (``fakecloud schema``) checks the shape with ``FILE:LINE: field`` errors; `read` checks
the rest (a fault point nobody consults, an outcome that point cannot have) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from fakecloud.bounds import MAX_SECONDS
from fakecloud.scenario.errors import Problem, ScenarioError, field_name
from fakecloud.scenario.loader import line_of
from fakecloud.scenario.schema import ADVERSARY_ACTIONS
from fakecloud.sim.explore import OUTCOME_WORDS, Chance, delay_of

DEFAULT_SEEDS = 100
DEFAULT_RPC_FACTOR = 10.0
DEFAULT_JITTER = 0.2
DEFAULT_FAULT_LIKELIHOOD = 0.2


def known_points() -> dict[str, tuple[str, ...]]:
    """Fault points and what usually goes wrong at each (`fakecloud.fault_points`, the registry
    ``fakecloud list points`` shows): errors from Cinder's and Glance's APIs as Nova's clients
    see them, a Cinder snapshot ending in ``error`` or stuck ``creating`` (``stall``), an upload
    failing part-way, a guest agent that stops answering, an RPC message lost."""
    from fakecloud.fault_points import points

    return {name: tuple(point.usual) for name, point in points().items()}


@cache
def registered_errors() -> frozenset[str]:
    """The error names a fault may raise (``fakecloud list errors``): those the services of a
    cloud register as it is built, so one cloud is built for them, once a process."""
    from fakecloud import Cloud

    return frozenset(Cloud().faults.error_types)


@dataclass(frozen=True)
class FaultPoint:
    """A fault point that may fire: what may happen there, and how often."""

    point: str
    outcomes: tuple[str, ...]
    likelihood: float = DEFAULT_FAULT_LIKELIHOOD
    match: dict[str, Any] = field(default_factory=dict)
    """What the work must have for the point to fire there (``match:``, as a fault step's:
    ``{method: quiesce_instance}``; values may be ``${...}`` of the world at t0); empty: any."""
    entry: int = 0
    """Its place among the entries of ``explore.faults`` listing the same point (1, 2, ...,
    each with its own ``match:``), or 0 for a point listed once."""

    @property
    def key(self) -> str:
        """What tells it from the other entries of its point: the point, or ``POINT#ENTRY``
        for a point listed several times (its likelihood, its consultations)."""
        return f"{self.point}#{self.entry}" if self.entry else self.point

    @property
    def label(self) -> str:
        """The point as a report names it: ``rpc.call``, or with its match ``rpc.call
        (method quiesce_instance)``."""
        if not self.match:
            return self.point
        return f"{self.point} ({', '.join(f'{k} {v}' for k, v in self.match.items())})"


@dataclass(frozen=True)
class Insert:
    """An action chance places at some moment of the flow: a user's request or a restart.

    `step` is the step as a scenario file writes it (``request:``/``restart:`` and its fields).
    """

    name: str
    step: dict[str, Any]
    likelihood: float = 1.0


@dataclass(frozen=True)
class Find:
    """One entry of a bug hunt's ``explore.finds``: `name` as the file writes it, and `key`,
    what a broken check's key (`fakecloud.explore.groups.check_key`) is (an invariant:
    ``invariant NAME``) or starts with (a step's expectations: ``step NAME: ``, a named
    check: ``state NAME: ``, ``trace NAME: ``)."""

    name: str
    key: str

    @property
    def label(self) -> str:
        """What it is, for reports: ``invariant no_frozen_guest``, ``state clone-boots``."""
        return self.key.rstrip(": ")

    def matches(self, key: str) -> bool:
        """Whether a broken check's `key` is this one."""
        return key == self.key if self.key.startswith("invariant ") else key.startswith(self.key)


@dataclass(frozen=True)
class ExploreSpec:
    """What exploring a case may change, read from its ``explore:`` section."""

    seeds: int = DEFAULT_SEEDS
    chance: Chance = field(default_factory=Chance)
    faults: tuple[FaultPoint, ...] = ()
    inserts: tuple[Insert, ...] = ()
    finds: tuple[str, ...] = ()
    """What a bug hunt expects some seeds to break (``explore.finds``), as the file names it."""
    targets: tuple[Find, ...] = ()
    """The same, each resolved to the checks it stands for."""
    windows: str = "moments"
    """How an insert's moment is drawn (``explore.windows``): ``moments`` (the default),
    uniform over the plain run's instants and the services' heartbeats
    (`fakecloud.explore.play.Moments`); ``events``, uniform over its trace events; ``mixed``,
    each insert one way or the other, even odds."""

    nominal: str = ""
    """Where a case without an ``explore:`` section asserts a time (``file:line``), so that it
    explores the order of ties alone: no RPC delay, no throughput jitter (`asserted_time`)."""

    def describe(self) -> str:
        """One line: what chance changes."""
        parts = []
        c = self.chance
        if c.rpc_delay_max_s is not None:
            parts.append(f"rpc delays up to {c.rpc_delay_max_s:g} s")
        if c.tie_order:
            parts.append("tie order")
        if c.throughput_jitter:
            parts.append(f"throughput ±{c.throughput_jitter:.0%}")
        if self.faults:
            parts.append("faults at " + ", ".join(f.label for f in self.faults))
        if self.inserts:
            parts.append("adversary " + ", ".join(i.name for i in self.inserts))
            if self.windows != "moments":
                how = "event" if self.windows == "events" else "event or moment"
                parts.append(f"placed by {how}")
        if self.nominal:
            parts.append(
                f"no rpc delays or throughput jitter: {self.nominal} asserts a time at nominal "
                "speeds and the file has no explore: section (one with chance: moves times)"
            )
        return "; ".join(parts) or "nothing (every run is the plain run)"


def read(case: Any, nominal_rpc_s: float = 0.002, known_errors: Any = None) -> ExploreSpec:
    """The `ExploreSpec` of `case` (defaults when it has no ``explore:`` section).

    `known_errors` are the error names a fault may raise (default: `registered_errors`, looked
    up only when the section names an error). Raises `ScenarioError` naming file, line and
    field for what the schema cannot check.
    """
    data = case.explore or {}
    problems: list[Problem] = []

    def problem(path: tuple, message: str) -> None:
        full = ("explore", *path)
        problems.append(Problem(case.file, line_of(case.doc, full), field_name(full), message))

    chance_doc = data.get("chance") or {}
    rpc = chance_doc.get("rpc_delay", True)
    if rpc is True:
        rpc_max: float | None = nominal_rpc_s * DEFAULT_RPC_FACTOR
    elif isinstance(rpc, dict):
        rpc_max = float(rpc["max_s"])
    else:
        rpc_max = None
    jitter = chance_doc.get("throughput_jitter", DEFAULT_JITTER)
    jitter = DEFAULT_JITTER if jitter is True else float(jitter or 0.0)
    if not 0 <= jitter < 1:
        problem(("chance", "throughput_jitter"), f"a fraction in 0..1 (exclusive), got {jitter}")
    chance = Chance(
        tie_order=bool(chance_doc.get("tie_order", True)),
        rpc_delay_max_s=rpc_max,
        throughput_jitter=jitter,
    )
    nominal = "" if case.explore is not None else asserted_time(case)
    if nominal:  # written for the plain run, at nominal speeds: only the order of ties moves
        chance = Chance(tie_order=True, rpc_delay_max_s=None, throughput_jitter=0.0)
    faults: list[FaultPoint] = []
    listed: dict[str, list[tuple[int, FaultPoint]]] = {}  # point -> (its index, entry) so far
    inserts: list[Insert] = []
    for i, item in enumerate(data.get("faults") or []):
        if isinstance(item, dict) and "restart" in item:
            host = str(item["restart"])
            # nova-compute's host (cmp-1), or a backend's cinder-volume's (cinder@lvmdriver-1)
            hosts = _cinder_backends(case) if "@" in host else _compute_hosts(case)
            kind = "cinder-volume" if "@" in host else "compute"
            if hosts is not None and not host.startswith("${") and host not in hosts:
                from fakecloud.suggest import did_you_mean

                problem(  # was explored as nothing: the restart's error ignored every seed
                    ("faults", i, "restart"),
                    f"no {kind} host {host!r}{did_you_mean(host, hosts)}; hosts: "
                    + (", ".join(hosts) or "none"),
                )
            step = {"restart": {"host": item["restart"]}}
            if item.get("down_s") is not None:
                step["restart"]["down_s"] = item["down_s"]
            if "@" in host:  # a step's name has no @: restart-cinder-volume-lvmdriver-1
                name = f"restart-cinder-volume-{host.split('@', 1)[1]}"
            else:
                name = f"restart-{item['restart']}"
            inserts.append(Insert(name, step, float(item.get("likelihood", 0.5))))
            continue
        spec = {"point": item} if isinstance(item, str) else dict(item)
        point = str(spec["point"])
        errors = spec.get("errors")
        known = known_points()
        if errors is None:
            if not known.get(point):
                from fakecloud.suggest import did_you_mean

                usual = sorted(name for name, outcomes in known.items() if outcomes)
                what = (
                    "has no usual failures: give errors: [...]"
                    if point in known
                    else (f"is no fault point{did_you_mean(point, known)}")
                )
                problem(
                    ("faults", i),
                    f"fault point {point!r} {what}; points with usual failures: "
                    + ", ".join(usual),
                )
                continue
            errors = known[point]
        elif point not in known:
            from fakecloud.suggest import did_you_mean

            problem(("faults", i, "point"), f"no fault point {point!r}{did_you_mean(point, known)}")
        for j, outcome in enumerate(errors):
            if outcome == "partway" and point != "io.transfer":
                problem(("faults", i, "errors", j), "partway applies to io.transfer only")
            if outcome == "drop" and not point.startswith("rpc."):
                problem(("faults", i, "errors", j), "drop applies to rpc.call and rpc.cast only")
            if str(outcome).startswith("delay") and delay_of(str(outcome)) is None:
                problem(
                    ("faults", i, "errors", j),
                    f"a delay is written delay:S, S seconds from 0 to {MAX_SECONDS:g} "
                    "(e.g. delay:75)",
                )
            elif (
                outcome not in ("stall", "drop", "partway")
                and delay_of(str(outcome)) is None
                and ":" not in str(outcome)
                and outcome not in (known_errors := known_errors or registered_errors())
            ):
                from fakecloud.suggest import did_you_mean

                problem(
                    ("faults", i, "errors", j),
                    f"unknown error {outcome!r}{did_you_mean(str(outcome), known_errors)}; "
                    f"errors: {', '.join(sorted(known_errors))}; or stall, drop, partway, "
                    "delay:S, module:Class",
                )
        match = dict(spec.get("match") or {})
        if point in known:
            from fakecloud.fault_points import points

            for key, message in points()[point].match_problems(match):
                problem(("faults", i, "match", key), message)
        for j, earlier in listed.get(point, []):
            if _covers(earlier.match, match):
                if earlier.match == match:
                    why = f"faults[{j}] lists it with the same match:"
                elif not earlier.match:
                    why = f"faults[{j}] lists it with no match: (every consultation)"
                else:
                    why = f"faults[{j}]'s match: is met wherever this one's is"
                problem(
                    ("faults", i),
                    f"fault point {point!r} is listed twice: {why}, so faults[{j}] draws every "
                    "consultation this entry would and this one none (list the point once, "
                    "or give each entry a match: of its own work)",
                )
        listed.setdefault(point, []).append((i, FaultPoint(point, (), match=match)))
        faults.append(
            FaultPoint(
                point,
                tuple(str(e) for e in errors),
                float(spec.get("likelihood", DEFAULT_FAULT_LIKELIHOOD)),
                match,
            )
        )
    world: dict[str, list[str]] = {}
    for setup in case.cloud.setup:
        world.setdefault(setup.kind, []).append(setup.name)
    for i, item in enumerate(data.get("adversary") or []):
        for action, kind, ref in _named_refs(item):
            if not ref.startswith("${") and ref not in world.get(kind, []):
                from fakecloud.suggest import did_you_mean

                problem(
                    ("adversary", i, action),
                    f"no {kind[:-1]} named {ref!r}{did_you_mean(ref, world.get(kind, []))} in "
                    f"cloud.{kind}; {kind}: {', '.join(world.get(kind, [])) or 'none'}",
                )
        host = str((item.get("migrate_volume") or {}).get("host", "${"))
        backends = _cinder_backends(case)
        if (
            backends is not None
            and not host.startswith("${")
            and host.split("#")[0] not in backends
        ):
            from fakecloud.suggest import did_you_mean

            problem(  # Cinder's 400 every seed: nothing would be explored
                ("adversary", i, "migrate_volume", "host"),
                f"no Cinder backend {host!r}{did_you_mean(host, backends)}; backends: "
                + ", ".join(f"{b}#{b.split('@', 1)[1]}" for b in backends),
            )
        name = str(item.get("name") or f"adversary-{i + 1}")
        inserts.append(Insert(name, adversary_step(item), float(item.get("likelihood", 1.0))))
    names = [s.name for s in case.steps]
    for insert in inserts:
        if insert.name in names:
            problem(("adversary",), f"step name {insert.name!r} is already used by a step")
        names.append(insert.name)
    finds = tuple(str(name) for name in data.get("finds") or ())
    targets = tuple(_find(case, name, ("finds", i), problem) for i, name in enumerate(finds))
    if problems:
        raise ScenarioError(problems)
    several = {p for p, entries in listed.items() if len(entries) > 1}
    numbered: dict[str, int] = {}
    for k, fault in enumerate(faults):
        if fault.point in several:  # each its own fault: its likelihood, its consultations
            numbered[fault.point] = numbered.get(fault.point, 0) + 1
            faults[k] = replace(fault, entry=numbered[fault.point])
    return ExploreSpec(
        seeds=int(data.get("seeds", DEFAULT_SEEDS)),
        chance=chance,
        faults=tuple(faults),
        inserts=tuple(inserts),
        finds=finds,
        targets=targets,
        windows=str(data.get("windows", "moments")),
        nominal=nominal,
    )


def _covers(earlier: dict[str, Any], later: dict[str, Any]) -> bool:
    """Whether every consultation `later` (a fault's ``match:``) matches also meets
    `earlier`, listed before it for the same point: each of `earlier`'s attributes is in
    `later` with the same value (no match: every consultation)."""
    return all(key in later and later[key] == value for key, value in earlier.items())


def asserted_time(case: Any) -> str:
    """Where `case` first asserts a virtual time (``file:line``), or empty: a step's or a
    state check's ``took``, ``finished_at`` or ``finished_by``, the run's ``finished_by``, a
    trace ``duration``, or a trace match on an event's time (a key ``t``, ``*_s``, ``*_at``:
    ``{kind: io.finish, duration_s: 1}``). A file without an ``explore:`` section writes these
    from nominal speeds (``100 MB at 100 MB/s``), which RPC delays and throughput jitter move
    in every seed: `fakecloud explore scenarios/flows` broke 12 of 22 files so, in all 20 of
    their first seeds, where the order of ties alone breaks none of those checks."""
    lines = []
    for step in case.steps:
        if step.expect and (step.expect.took or step.expect.finished_at):
            lines.append(step.expect.line)
    for check in case.expect.state:
        if check.expect and (check.expect.took or check.expect.finished_at):
            lines.append(check.expect.line)
    if case.expect.finished_by is not None:
        lines.append(case.expect.finished_by_line)
    for check in case.expect.trace:
        if check.kind == "duration" or _names_a_time(check.spec):
            lines.append(check.line)
    if not lines:
        return ""
    known = [line for line in lines if line]
    return case.where(min(known) if known else None)


def _names_a_time(matcher: Any) -> bool:
    """Whether a trace check's matcher matches an event's time field (``t``, ``*_s``,
    ``*_at``) anywhere in it."""
    if isinstance(matcher, dict):
        return any(
            (isinstance(k, str) and (k == "t" or k.endswith(("_s", "_at")))) or _names_a_time(v)
            for k, v in matcher.items()
        )
    if isinstance(matcher, list):
        return any(_names_a_time(v) for v in matcher)
    return False


def _compute_hosts(case: Any) -> list[str] | None:
    """The compute hosts of the case's cloud (``cmp-1`` ... ``cmp-N``, N its config's
    ``nova.compute_hosts``), or None if that count is not one (the config check says so)."""
    import dataclasses

    from fakecloud.nova.config import NovaConfig

    nova = (case.cloud.config or {}).get("nova")
    count = nova.get("compute_hosts") if isinstance(nova, dict) else None
    if count is None:
        count = next(f.default for f in dataclasses.fields(NovaConfig) if f.name == "compute_hosts")
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 10_000:
        return None
    return [f"cmp-{n}" for n in range(1, count + 1)]


def _cinder_backends(case: Any) -> list[str] | None:
    """The case's Cinder backends as a migration names them (``HOST@BACKEND``, a pool after
    ``#``), or None when the config says them otherwise than as names (its check says so)."""
    from fakecloud.cinder.config import CinderConfig

    cinder = (case.cloud.config or {}).get("cinder")
    cinder = cinder if isinstance(cinder, dict) else {}
    host = cinder.get("host", CinderConfig.host)
    backends = cinder.get("backends", CinderConfig().backends)
    if not isinstance(host, str) or not isinstance(backends, dict):
        return None
    return [f"{host}@{name}" for name in backends]


def _find(case: Any, name: str, path: tuple, problem: Any) -> Find:
    """The `Find` that ``explore.finds`` entry `name` stands for (a problem when none)."""
    from fakecloud.invariants import REGISTRY

    named = {step.name: "step" for step in case.steps if step.expect is not None}
    named.update({c.name: "state" for c in case.expect.state if c.name})
    named.update({c.name: "trace" for c in case.expect.trace if c.name})
    if name in REGISTRY:
        if name in named:
            problem(
                path,
                f"{name!r} is an invariant and a {named[name]}'s name: rename the {named[name]}",
            )
        return Find(name, f"invariant {name}")
    if name in named:
        return Find(name, f"{named[name]} {name}: ")
    from fakecloud.suggest import did_you_mean

    unexpecting = [s.name for s in case.steps if s.expect is None]
    why = (
        f"step {name!r} has no expect: to break"
        if name in unexpecting
        else (
            f"{name!r} is no invariant, step with an expect: or named check"
            f"{did_you_mean(name, [*REGISTRY, *named])}"
        )
    )
    problem(
        path,
        f"{why}; steps and named checks: {', '.join(named) or 'none'} (a state or trace check "
        "is named by its name:); invariants: fakecloud list invariants",
    )
    return Find(name, f"invariant {name}")


def adversary_step(item: dict[str, Any]) -> dict[str, Any]:
    """The step an ``adversary:`` entry stands for (as a scenario file writes it): a request
    (``migrate_volume`` an admin's, unless ``as:`` says otherwise), or for ``guest_stops`` a
    ``guest`` step."""
    action = next((a for a in ADVERSARY_ACTIONS if a in item), None)
    extra = {k: item[k] for k in ("as", "microversion", "service", "headers") if k in item}
    if action is None:
        step = {"request": item["request"], **extra}
        if "body" in item:
            step["body"] = item["body"]
        return step
    target = item[action]
    if action == "delete_server":
        return {"request": f"DELETE /servers/{_server(target)}", **extra}
    if action == "create_image":
        return {
            "request": f"POST /servers/{_server(target)}/action",
            "microversion": extra.pop("microversion", "2.45"),
            "body": {"createImage": {"name": "adversary-snapshot"}},
            **extra,
        }
    if action == "stop_server":
        return {
            "request": f"POST /servers/{_server(target)}/action",
            "body": {"os-stop": None},
            **extra,
        }
    if action == "guest_stops":
        return {"guest": {"server": _server(target), "stops": "shutdown"}}
    if action == "detach_volume":
        return {
            "request": f"DELETE /servers/{_server(target['server'])}/os-volume_attachments/"
            f"{_volume(target['volume'])}",
            **extra,
        }
    if action == "migrate_volume":
        return {
            "request": f"POST /v3/${{project_id}}/volumes/{_volume(target['volume'])}/action",
            "as": extra.pop("as", "admin"),
            "body": {"os-migrate_volume": {"host": target["host"]}},
            **extra,
        }
    if action == "retype":
        policy = target.get("migration_policy", "on-demand")
        return {
            "request": f"POST /v3/${{project_id}}/volumes/{_volume(target['volume'])}/action",
            "body": {"os-retype": {"new_type": target["type"], "migration_policy": policy}},
            **extra,
        }
    image = str(target)
    image = image if image.startswith("${") else f"${{images.{image}.id}}"
    return {"request": f"DELETE /v2/images/{image}", "service": "image", **extra}


def _named_refs(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(action, kind, name) of the world resources an adversary entry names."""
    out = []
    for action in ("delete_server", "create_image", "stop_server", "guest_stops"):
        if action in item:
            out.append((action, "servers", str(item[action])))
    if "detach_volume" in item:
        out.append(("detach_volume", "servers", str(item["detach_volume"]["server"])))
        out.append(("detach_volume", "volumes", str(item["detach_volume"]["volume"])))
    for action in ("migrate_volume", "retype"):
        if action in item:
            out.append((action, "volumes", str(item[action]["volume"])))
    if "delete_image" in item:
        out.append(("delete_image", "images", str(item["delete_image"])))
    return out


def _server(name: Any) -> str:
    text = str(name)
    return text if text.startswith("${") else f"${{servers.{text}.id}}"


def _volume(name: Any) -> str:
    text = str(name)
    return text if text.startswith("${") else f"${{volumes.{text}.id}}"


__all__ = ["OUTCOME_WORDS", "ExploreSpec", "FaultPoint", "Find", "Insert", "adversary_step", "read"]
