"""Run one scenario case on a fresh cloud: build it, create the world, play the steps on the
virtual clock, then check every expectation.

    >>> result = run_case(load("scenarios/kernel/fair_sharing.yaml").cases[0])
    >>> result.passed, result.end
    (True, 20.0)

**Time.** Scenario time 0 (``t0``) is the moment setup has finished; ``at:``, ``finished_by``
and fault ``at``/``until`` count from there. The report shows scenario time; trace events keep
the cloud's own clock.

**Steps** are simulated processes. A step with ``at:`` starts at that time; with ``after:``
when the named step has finished; with ``on: {trace: ...}`` right after the first (or nth)
matching trace event, at the same virtual instant, before any other work due then; with none
of them, when the step before it has finished. ``delay:`` adds time to a trigger. Steps that
overlap run concurrently: each request is dispatched to its service and the handler's
generator is driven as its own process, so two requests really race.

**The run** steps the simulation event by event, matching each new trace event against the
armed triggers, until the cloud is idle (or ``run: {until: t}``). A stuck cloud is a failure
that names what never finished, not a hang; it ends where the run may end at the latest (its
``until``, else its idle cap), as work that cannot move stays so until then, however it waits.

The result holds a `StepRecord` per step (time, actor, request, response) and a `Check` per
expectation; ``result.passed`` is true when no check failed.
"""

from __future__ import annotations

import copy
import functools
import importlib
import marshal
import re
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass
from heapq import heappop
from typing import Any

from fakecloud.api.http import Response
from fakecloud.errors import ConfigError, SimulationNotIdle
from fakecloud.humanize import clipped, secs
from fakecloud.scenario import expect
from fakecloud.scenario.errors import Problem, ScenarioError, field_name
from fakecloud.scenario.match import event_matches, mismatches
from fakecloud.scenario.model import Case, Expect, RequestSpec, Step
from fakecloud.scenario.names import resource_names
from fakecloud.scenario.readiness import Pending, await_status, references
from fakecloud.scenario.results import (  # noqa: F401 - names the runner has always offered
    CaseResult,
    Check,
    StepFailed,
    StepRecord,
    fill,
    record_from,
)
from fakecloud.scenario.subst import Unresolved, dig, has_refs, resolve
from fakecloud.scenario.transport import Transport, Unreachable, infer_service
from fakecloud.scenario.world import BY_NAME
from fakecloud.scenario.yamldoc import line_of
from fakecloud.sim import cancel
from fakecloud.sim.cancel import CANCELLED
from fakecloud.sim.explore import ChoiceOutOfRange
from fakecloud.sim.trace import form

ACTOR = "scenario"

# The run's own events (`Trace.put`); their details are never text but for the profile.
_START = form("scenario.start", "seed", "profile", "bugs", variable=("seed", "bugs"))
_NAMES = form("scenario.names", "names", variable=("names",))
#: A step's start (`_step`): ``trace.emit``'s form, written without its dict of details.
_STEP = form("scenario.step", "action", "what")


def readable_names(cloud: Any, names: dict[str, Any]) -> dict[str, str]:
    """Id -> readable name for the resources of `cloud`, the scenario's `names` (a run's
    ``names``: kind -> name -> what was made) first."""
    named = {
        item["id"]: name
        for kind, items in names.items()
        if kind in BY_NAME and isinstance(items, dict)
        for name, item in items.items()
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }
    return resource_names(cloud, named)


class Perturbation:
    """What an explorer changes in a run (`fakecloud.explore`); the base class changes nothing.

    `begin(kernel, resolve)` is called at t0, once setup is done and before any step is
    scheduled (the moment chance is switched on), `resolve` giving a value with its ``${...}``
    substituted as a step's are; `triggers` maps step names to "start right after the n-th
    trace event from t0" (0: at t0), for steps placed by chance rather than by the file.
    """

    triggers: dict[str, int] = {}
    marks: bool = True
    """Whether the run writes its own marks into its trace: ``scenario.start`` at t0 and the
    readable names of ``scenario.names`` at the end, for the views and a replay's identical
    trace. No step, check or trigger reads them (triggers and checks count from the event after
    t0's), so an explorer that keeps a seed's outcome and drops its trace says no."""

    max_events: int | None = None
    """The most trace events the run may write after t0: then it stops as one that never
    became idle (the explorer's reruns of a seed, which may go another way and poll for the
    week a run may take); None: no limit."""

    def begin(self, kernel: Any, resolve: Callable[[Any], Any]) -> None:
        """Called at t0 with the cloud's kernel, and how to resolve ``${...}`` then."""


@dataclass
class World:
    """A case's cloud once setup is done (idle, at t0) and the names setup made: the start
    every explored seed forks instead of building the world again (see `prepare_world`)."""

    cloud: Any
    names: dict[str, Any]
    failed: str | None = None
    """Why setup failed (then the runs from this world fail the same way)."""

    def fork(self) -> Any:
        """A fork of the world's cloud, as ``cloud.fork()`` makes it. The world never runs,
        so once it has been forked a few times (an explore run, not a test of a few seeds)
        its fork is planned once and replayed (`fakecloud.state.replica`): the plan costs
        about as much as 15 forks and saves most of each one after."""
        replica = self.__dict__.get("_replica")
        if replica is None:
            self._forks = self.__dict__.get("_forks", 0) + 1
            if self._forks < PLAN_AFTER_FORKS:
                return self.cloud.fork()
            replica = self._plan_fork()
        return replica.fork()

    def _plan_fork(self) -> Any:
        """The world's fork, planned (`fakecloud.state.replica`), kept for every later fork."""
        from fakecloud.state.replica import Replica

        replica = self._replica = Replica(self.cloud)
        return replica

    def recycling(self) -> Recycling:
        """This world's forks for a caller that keeps only each run's outcome (see
        `Recycling`); the recycled fork a `Recycling` closed before is taken up again."""
        spare = self.__dict__.setdefault("_spare", [])
        return Recycling(self, spare.pop() if spare else None)

    def plan(self) -> None:
        """Plan the world's fork and its names' copy now rather than after
        `PLAN_AFTER_FORKS` forks: for a caller that knows many forks follow, above all one
        about to fork worker processes, which then start with the plan instead of each making
        its first forks the slow way and planning again. A world whose setup failed is left
        as it is."""
        if self.failed is not None:
            return
        if "_replica" not in self.__dict__:
            self._plan_fork()
        if self.__dict__.get("_names_copier") is None:
            self._names_copier = _json_copier(self.names)

    def copy_names(self) -> dict[str, Any]:
        """A deep copy of `names` for one run (a run adds its steps' names to its own).

        Names are JSON data (dicts, lists and atoms). The first copies unmarshal them
        (marshalled once: `marshal` keeps a container met twice as one, as
        ``copy.deepcopy`` does, and takes only the exact built-in types); after as many as
        the fork's plan waits for (`PLAN_AFTER_FORKS`), the copy is planned once as a function
        that copies each container by one C call and shares the atoms (`_json_copier`), which
        spares making every string again. Names holding anything else are copied value by
        value (`_copy_names`).
        """
        copier = self.__dict__.get("_names_copier")
        if copier is not None:
            return copier()
        frozen = self.__dict__.get("_names_marshalled", _UNSET)
        if frozen is _UNSET:
            try:
                frozen = marshal.dumps(self.names)
            except ValueError:  # a value marshal does not take: copied by _copy_names
                frozen = None
            self._names_marshalled = frozen
        if frozen is None:
            return _copy_names(self.names)
        self._names_copies = self.__dict__.get("_names_copies", 0) + 1
        if self._names_copies == PLAN_AFTER_FORKS:  # planned once (None: not JSON data)
            copier = self._names_copier = _json_copier(self.names)
            if copier is not None:
                return copier()
        return marshal.loads(frozen)


class Recycling:
    """A `World`'s forks, one after another, each released (`release`) once its run's outcome
    is made: a released fork is reset in place and is the next one (`fakecloud.state.recycle`),
    so no world is made and collected per run. Once the world's fork is planned; before,
    `World.fork`. Not to be shared between threads (each takes its own `World.recycling`).
    """

    _recycler: Any
    _dropped: Any

    def __init__(self, world: World, recycler: Any = None):
        self.world = world
        self.failed = world.failed
        self._recycler = recycler
        self._dropped = None

    def fork(self) -> Any:
        """A fork of the world (the last released one, reset, when there is one)."""
        if self._recycler is None:
            replica = self.world.__dict__.get("_replica")
            if replica is None:
                self._dropped = self.world.fork()
                return self._dropped
            from fakecloud.state.recycle import Recycler

            self._recycler = Recycler(replica)
        return self._recycler.fork()

    def copy_names(self) -> dict[str, Any]:
        """`World.copy_names`."""
        return self.world.copy_names()

    def release(self) -> None:
        """The last fork's run is over and nothing of its cloud is kept. A fork that is not
        recycled (the world's fork is not planned yet) has its processes closed now, so the
        collector finalizing it later runs none of their code (a lost RPC's event)."""
        if self._recycler is not None:
            self._recycler.release()
        dropped, self._dropped = self._dropped, None
        if dropped is not None:
            from fakecloud.state.recycle import close_processes

            close_processes(dropped.kernel)

    def close(self) -> None:
        """No more forks from here: a released fork waits for the world's next `Recycling`
        (a fork not released is dropped)."""
        recycler, self._recycler = self._recycler, None
        if recycler is not None and recycler.idle:
            self.world.__dict__.setdefault("_spare", []).append(recycler)


_UNSET = object()


#: How many forks of a `World` are made directly before its fork is planned and replayed.
PLAN_AFTER_FORKS = 32


def _json_copier(value: Any) -> Callable[[], Any] | None:
    """A function returning a deep copy of the JSON data `value` as it is now (None when
    `value` holds anything but dicts, lists, text, numbers, booleans and None): one
    straight-line function, a container copied by its own ``copy`` and its items that are
    containers pointed at their copies, the atoms shared. Cheaper than unmarshalling, which
    makes every string again."""
    consts: list[Any] = []
    lines: list[str] = []
    made: dict[int, str] = {}

    def const(item: Any) -> str:
        consts.append(item)
        return f"K[{len(consts) - 1}]"

    def visit(item: Any) -> str:
        found = made.get(id(item))
        if found is not None:
            return found
        name = made[id(item)] = f"n{len(made)}"
        lines.append(f"{name} = {const(item)}.copy()")
        for key, inner in item.items() if item.__class__ is dict else enumerate(item):
            cls = inner.__class__
            if cls is dict or cls is list:
                lines.append(f"{name}[{const(key)}] = {visit(inner)}")
            elif not (cls is str or cls is int or cls is float or cls is bool or inner is None):
                raise _NotJson
        return name

    if value.__class__ is not dict:
        return None
    try:
        root = visit(value)
    except _NotJson:
        return None
    source = "def copy(K):\n" + "".join(f"    {line}\n" for line in lines)
    namespace: dict[str, Any] = {}
    exec(compile(source + f"    return {root}\n", "<names copier>", "exec"), namespace)
    return functools.partial(namespace["copy"], tuple(consts))


def resolve_at_t0(case: Case, world: World, value: Any) -> Any:
    """`value` with its ``${...}`` resolved as a run forked from `world` resolves it at t0,
    before any step (raises `Unresolved`): what the explorer's fault matches are."""
    run = _Run(case, None, None, None)
    run.cloud = world.cloud
    run.names = world.copy_names()
    return run.read(value)


class _NotJson(Exception):
    """Names hold a value `_json_copier` does not plan (their copies unmarshal instead)."""


def _copy_names(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A deep copy of the names setup made (JSON data: dicts, lists, atoms), as
    ``copy.deepcopy`` makes it (a container met twice is copied once) without its dispatch per
    value; anything else goes through ``copy.deepcopy``."""
    if memo is None:
        memo = {}
    cls = value.__class__
    if cls is str or cls is int or cls is bool or value is None or cls is float:
        return value
    found = memo.get(id(value))
    if found is not None:
        return found
    out: Any
    if cls is dict:
        out = memo[id(value)] = {}
        for key, item in value.items():
            out[key] = _copy_names(item, memo)
    elif cls is list:
        out = memo[id(value)] = []
        out.extend([_copy_names(item, memo) for item in value])
    else:
        out = memo[id(value)] = copy.deepcopy(value)
    return out


def prepare_world(case: Case, seed: int | None = None) -> World:
    """Build `case`'s cloud and run its setup once; `run_case(..., world=)` starts from a fork."""
    run = _Run(case, seed, Transport, None)
    cloud = run._build_cloud()
    run.cloud, run.kernel = cloud, cloud.kernel
    run.transport = Transport(cloud)
    try:
        run._setup()
    except StepFailed as exc:
        return World(cloud, run.names, str(exc))
    return World(cloud, run.names)


def run_case(
    case: Case,
    seed: int | None = None,
    transport: Callable[[Any], Transport] | None = None,
    prepare: Callable[[Any], None] | None = None,
    perturbation: Perturbation | None = None,
    world: World | None = None,
) -> CaseResult:
    """Run `case` on a fresh cloud and check its expectations.

    `seed` overrides the case's seed; `transport` builds the way requests reach services
    (default: the cloud's own services); `prepare(cloud)` runs right after the cloud is built,
    before setup (tests use it to plug extra services in); `perturbation` is the explorer's
    hook. A case with ``choices:`` (a replay file) has those decisions made again, exactly.
    With `world` (from `prepare_world` for this case and seed), the run starts from a fork of
    that world instead of building and setting up a cloud: the same run, cheaper.
    Raises `ScenarioError` only for mistakes in the file found while building the cloud (e.g.
    an unknown config key).
    """
    return _Run(case, seed, transport or Transport, prepare, perturbation).run(world)


class _Run:
    names: dict[str, dict[str, Any]]
    records: dict[str, StepRecord]
    followers: dict[str, list[Step]]
    watchers: list[_Watcher]
    rules: list[tuple[Any, Step]]
    #: The I/O resources the steps' transfers declare, with their throughput (B/s).
    _declared: dict[str, float]

    def __init__(
        self,
        case: Case,
        seed: int | None,
        transport: Callable,
        prepare: Any,
        perturbation: Perturbation | None = None,
    ):
        self.case = case
        self.perturbation = perturbation or Perturbation()
        self.seed = case.cloud.seed if seed is None else seed
        self.make_transport = transport
        self.prepare = prepare
        self.names = {"steps": {}}
        self.records = {}
        self.followers = {}
        self.watchers = []
        self.t0 = 0.0
        self._end = 0.0
        self.rules = []
        self._declared = {}

    # -- building ----------------------------------------------------------------------------

    def run(self, world: World | None = None) -> CaseResult:
        if world is not None and world.failed is not None:
            # a setup that failed may have left work in flight (a server's build asked before
            # another's create was refused), which no fork takes: fail it again, as a plain run
            world = None
        cloud = self._build_cloud() if world is None else world.fork()
        self.cloud, self.kernel = cloud, cloud.kernel
        if self.prepare is not None:
            self.prepare(cloud)
        self.transport = self.make_transport(cloud)
        result = CaseResult(self.case, self.seed, cloud)
        self.result = result
        result.steps = [StepRecord(s.name, s.action, s.describe(), s.line) for s in self.case.steps]
        self.records = {r.name: r for r in result.steps}
        try:
            if world is None:
                self._setup()
            elif world.failed is not None:
                raise StepFailed(world.failed)
            else:
                self.names = world.copy_names()
        except StepFailed as exc:
            result.checks.append(Check(False, "setup", self.case.file, [str(exc)]))
            for record in result.steps:
                record.waiting_for = "setup, which failed"
            self._record_names()
            return result
        self.t0 = result.t0 = cloud.now
        self._record_start()
        try:
            self._begin_chance()
        except ConfigError as exc:
            raise ScenarioError(
                [Problem(self.case.file, line_of(self.case.doc, ("choices",)), "choices", str(exc))]
            ) from None
        self._schedule()
        self._declare_resources()
        result.first_seq, result.names = self.first_seq, self.names
        self._drive(result)
        self._say_unresolved_triggers()
        self._evaluate(result)
        self._record_names()
        self._warn_unfired(result)
        return result

    def _record_start(self) -> None:
        """Mark scenario time zero in the trace, with the cloud the views show. (No file or
        case name: a replay file of this run must write the same trace, byte for byte.) Not
        when the perturbation says nobody will read this run's trace (`Perturbation.marks`)."""
        if not self.perturbation.marks:
            return
        spec = self.case.cloud
        self.kernel.trace.put(_START, ACTOR, "time zero", self.seed, spec.profile, list(spec.bugs))

    def _marked(self, body: Any) -> str:
        """A refused set-up request's answer with the ids of what the world has so far marked
        by name (``'Image <uploaded> is unacceptable: ...'``), before `_ends` cuts it: a cut
        through a raw id left it neither whole nor named."""
        from fakecloud.views.names import Names

        text = body if isinstance(body, str) else repr(body)
        return Names(readable_names(self.cloud, self.names)).marked(text)

    def _record_names(self) -> None:
        """Write the readable names of what the run touched into the trace (for the views),
        unless the perturbation says nobody will read this run's trace."""
        if not self.perturbation.marks:
            return
        self.kernel.trace.put(_NAMES, ACTOR, "names", readable_names(self.cloud, self.names))

    def _warn_unfired(self, result: CaseResult) -> None:
        """A rule a fault step added that never fired (its point never reached, or no work
        matched it) usually means the scenario does not test what it says."""
        for rule, step in self.rules:
            if rule.fired:
                continue
            seen = f"matched {rule.matches} time(s)" if rule.matches else "never matched"
            result.warnings.append(
                f"{self.case.file}:{step.line}: step {step.name}: the fault rule at "
                f"{rule.point} never fired ({seen})"
            )

    def _build_cloud(self) -> Any:
        from fakecloud import Cloud

        spec = self.case.cloud
        try:
            return Cloud(seed=self.seed, profile=spec.profile, config=spec.cloud_config())
        except ConfigError as exc:
            raise ScenarioError([self._locate_config_error(exc)]) from None

    def _locate_config_error(self, exc: ConfigError) -> Problem:
        """Find the key a `ConfigError` is about, to name its line."""
        from fakecloud.api_checks import unnamed
        from fakecloud.config import culprit
        from fakecloud.profiles import Switches

        spec, doc = self.case.cloud, self.case.doc
        path: tuple = ("cloud", "config")
        message = unnamed(exc)  # the scenario's line and field name the place, not "Cloud: "
        found = culprit(spec.config, message)
        if found[:1] == ("identity",) and found[1] in ("users", "projects"):
            kind, name = found[1:]
            mine = any(i.kind == kind and i.name == name for i in spec.setup)
            path = ("cloud", kind, name) if mine else ("cloud", "config", *found)
        elif found:
            path = ("cloud", "config", *found)
        else:
            for name, value in spec.switches.items():
                try:
                    Switches.for_profile(spec.profile, {name: value})
                except ConfigError:
                    path = ("cloud", "switches", name)
                    break
        return Problem(self.case.file, line_of(doc, path), field_name(path), message)

    # -- names -------------------------------------------------------------------------------

    def lookup(self, ref: str, user: str = "demo") -> Any:
        """The value of ``${ref}`` now (raises `Unresolved`)."""
        root, parts = _ref_parts(ref)
        if root == "project_id" and not parts:
            return self._project_id(user)
        if root == "users" and parts:
            return dig(self._user(parts[0]), parts[1:])
        if root == "projects" and parts:
            return dig(self._project(parts[0]), parts[1:])
        if root not in self.names:
            raise Unresolved(f"${{{ref}}} is not known yet")
        try:
            return dig(self.names[root], parts)
        except Unresolved as exc:
            raise Unresolved(f"${{{ref}}}: {exc}") from None

    def resolve(self, value: Any, user: str = "demo") -> Any:
        if value.__class__ is str and "${" not in value:
            return value
        return resolve(value, lambda ref: self.lookup(ref, user))

    def read(self, value: Any, user: str = "demo") -> Any:
        """`resolve` for a value only read: one with nothing to substitute is returned as it
        is, not copied (the specs of a case are read by every run of it)."""
        return self.resolve(value, user) if has_refs(value) else value

    def _user(self, name: str) -> dict[str, Any]:
        """``${users.NAME}``: read from Keystone's directory, issuing no token (a reference
        resolved where the user never acts, as in a trigger, must not write to the trace)."""
        keystone = getattr(self.cloud, "keystone", None)
        if keystone is None:
            raise Unresolved(f"this cloud has no identity service to know user {name!r}")
        try:
            user = keystone.user(name)
            project_id = keystone.project_of(name)
        except KeyError as exc:
            raise Unresolved(str(exc.args[0]) if exc.args else f"no user {name!r}") from None
        found = {"id": user.id, "name": user.name}
        if project_id is not None:
            found["project_id"] = project_id
        return found

    def _project(self, name: str) -> dict[str, Any]:
        keystone = getattr(self.cloud, "keystone", None)
        found = keystone.directory.project_by_name(name) if keystone is not None else None
        if found is None:
            raise Unresolved(f"no project {name!r} in this cloud")
        return {"id": found.id, "name": found.name, "domain_id": found.domain_id}

    def _project_id(self, user: str) -> str:
        found = self._user(user)
        if "project_id" not in found:
            raise Unresolved(f"user {user!r} has no default project")
        return found["project_id"]

    def save(self, dotted: str, value: Any) -> None:
        node = self.names
        parts = str(dotted).split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    # -- requests ----------------------------------------------------------------------------

    def _send(
        self, spec: RequestSpec, label: str, record: StepRecord | None = None
    ) -> Response | Generator:
        """Resolve and send a request: the answer, or a generator to drive; the body sent
        kept in `record` (`StepRecord.request`)."""
        try:
            path = self.resolve(spec.path, spec.user)
            body = _plain(self.read(spec.body, spec.user))
            if record is not None:
                record.request = body
            return self.transport.send(
                spec.service or infer_service(path),
                spec.method,
                path,
                user=spec.user,
                body=body,
                microversion=spec.microversion,
                headers=self.read(spec.headers, spec.user),
            )
        except (Unresolved, Unreachable) as exc:
            raise StepFailed(f"{label}: {exc}" if label else str(exc)) from None

    def _request(
        self, spec: RequestSpec, label: str, record: StepRecord | None = None
    ) -> Generator[Any, Any, Response]:
        """In a step's process: send a request and drive its answer on the clock."""
        answer = self._send(spec, label, record)
        if isinstance(answer, Response):
            return answer
        return (yield from answer)

    def _call(self, spec: RequestSpec, label: str) -> Response:
        """A request outside the steps (setup, final state): run the clock until it answers."""
        answer = self._send(spec, label)
        if isinstance(answer, Response):
            return answer
        proc = self.kernel.spawn(answer, name=f"{ACTOR} {label}")
        try:
            self.kernel.run(until=proc)
        except RuntimeError:  # simpy: nothing left to run and still no answer (a stall)
            raise StepFailed(f"{label}: {spec.describe()} never got an answer") from None
        return proc.value

    # -- setup -------------------------------------------------------------------------------

    def _setup(self) -> None:
        created: list[tuple[Any, str, str]] = []
        pending: dict[tuple[str, str], Pending] = {}
        for item in self.case.cloud.setup:
            where = self.case.where(item.line)
            if item.kind != "setup" and BY_NAME[item.kind].via == "config":
                continue
            self._await_named(item, pending)
            if item.kind == "setup":
                spec = RequestSpec.from_fields(item.spec["request"], item.spec)
                label = f"setup {item.name or spec.describe()}"
                response = self._call(spec, label)
                record = record_from(response)
                expect = Expect.build(
                    item.spec.get("expect"), self.case.doc, (*item.path, "expect")
                )
                if expect is not None:
                    problems = self._response_mismatches(record, expect, spec.user)
                    if problems:
                        raise StepFailed(f"{where}: {label}: " + "; ".join(problems))
                elif response.status >= 400:
                    raise StepFailed(
                        f"{where}: {label} answered {response.status}: "
                        f"{_ends(self._marked(response.body))}"
                    )
                if item.name:
                    self.names["steps"][item.name] = record.outcome()
                problem = self._save(item.spec.get("save") or {}, record)
                if problem:
                    raise StepFailed(f"{where}: {label}: {problem}")
                continue
            kind = BY_NAME[item.kind]
            label = f"setup {kind.name}.{item.name}"
            if item.spec.get("existing"):
                self.save(f"{kind.name}.{item.name}", self._existing(kind, item, where))
                continue
            spec = self._setup_request(kind, item)
            start = len(self.kernel.trace)
            response = self._call(spec, label)
            if response.status >= 400:
                raise StepFailed(
                    f"{where}: {label}: {spec.describe()} answered {response.status}: "
                    f"{_ends(self._marked(response.body))}"
                )
            body = response.json() or {}
            resource = body.get(kind.envelope, body) if kind.envelope else body
            self.save(f"{kind.name}.{item.name}", dict(resource))
            wait = item.spec.get("wait", kind.ready)
            if wait is True:
                wait = kind.ready
            if kind.name == "images":
                if item.spec.get("size_mb") is not None:
                    self._upload(item, resource, spec.user, where)
                elif "wait" not in item.spec:
                    wait = "queued"
            if wait:
                created.append((kind, item, wait))
                pending[kind.name, item.name] = Pending(
                    kind.name, item.name, str(resource.get("id")), wait, start
                )
        # time 0 is a settled world, as a fork needs (`World`): what setup requests asked for
        # is done too (a volume created, not still `creating`)
        if created or any(item.kind == "setup" for item in self.case.cloud.setup):
            try:
                self.cloud.run_until_idle()
            except SimulationNotIdle as exc:
                raise StepFailed(f"setup never finished: {exc}") from None
            for kind, item, wait in created:
                # one awaited before something named it was ready then; what uses it since
                # (a server booted from a volume: in-use) is not a setup that failed
                self._check_ready(kind, item, wait, (kind.name, item.name) not in pending)

    def _await_named(self, item: Any, pending: dict[tuple[str, str], Pending]) -> None:
        """Before `item` is sent, wait for each named resource it refers to to be ready, as a
        user's script waits for what its next call needs (`fakecloud.scenario.readiness`)."""
        if not pending:
            return
        spec = item.spec
        if item.kind == "setup":  # what is sent, not what its answer is checked against
            spec = {k: v for k, v in spec.items() if k not in ("expect", "save")}
        what = f"making {item.kind}.{item.name}" if item.kind != "setup" else "this request"
        for kind, name, path in references(spec, item.path or ("cloud", item.kind, item.name)):
            awaited = pending.pop((kind, name), None)
            if awaited is None:
                continue
            why = await_status(self.kernel, awaited, self.kernel.config.kernel.idle_cap_s)
            if why is not None:
                raise StepFailed(
                    str(
                        Problem(
                            self.case.file,
                            line_of(self.case.doc, path),
                            field_name(path),
                            f"{kind}.{name} {why}: setup waits for it to be "
                            f"{awaited.target!r} before {what}, which names it",
                        )
                    )
                )

    def _setup_request(self, kind: Any, item: Any) -> RequestSpec:
        body = {"name": item.name, **kind.defaults, **dict(item.spec.get("body") or {})}
        return RequestSpec(
            "POST",
            kind.path,
            kind.service,
            item.spec.get("as") or kind.user,
            item.spec.get("microversion"),
            {kind.envelope: body} if kind.envelope else body,
        )

    def _existing(self, kind: Any, item: Any, where: str) -> dict[str, Any]:
        """An image the cloud already has, found by name."""
        name = item.spec["existing"]
        user = item.spec.get("as") or kind.user
        spec = RequestSpec("GET", f"/v2/images?name={name}", "image", user)
        response = self._call(spec, f"setup {kind.name}.{item.name}")
        found = (response.json() or {}).get("images") or []
        if response.status != 200 or not found:
            listed = self._call(RequestSpec("GET", "/v2/images", "image", user), "setup images")
            names = [i.get("name") for i in (listed.json() or {}).get("images", [])]
            raise StepFailed(
                f"{where}: {kind.name}.{item.name}: no image named {name!r} visible to {user}; "
                f"images: {', '.join(map(str, names)) or 'none'}"
            )
        return dict(found[0])

    def _upload(self, item: Any, image: dict, user: str, where: str) -> None:
        """Upload an image's simulated data (Glance's ``PUT /file`` with fakecloud's headers)."""
        size = int(float(item.spec["size_mb"]) * 1_000_000)
        spec = RequestSpec(
            "PUT",
            f"/v2/images/{image['id']}/file",
            "image",
            user,
            headers={
                "Content-Type": "application/octet-stream",
                "x-openstack-image-size": str(size),
                "x-fakecloud-content-id": f"scenario:{item.name}",
            },
        )
        response = self._call(spec, f"setup images.{item.name} upload")
        if response.status >= 400:
            raise StepFailed(
                f"{where}: uploading images.{item.name} answered {response.status}: "
                f"{_ends(response.body)}"
            )

    def _check_ready(self, kind: Any, item: Any, wait: Any, awaited: bool = False) -> None:
        where = self.case.where(item.line)
        resource = self.names[kind.name][item.name]
        spec = RequestSpec(
            "GET",
            kind.show.replace("{id}", str(resource["id"])),
            kind.service,
            item.spec.get("as") or kind.user,
        )
        response = self._call(spec, f"setup {kind.name}.{item.name} status")
        body = response.json() or {}
        shown = body.get(kind.envelope, body) if kind.envelope else body
        status = shown.get(kind.status_field) if isinstance(shown, dict) else None
        if status != wait and not awaited:
            raise StepFailed(
                f"{where}: {kind.name}.{item.name} is {status!r} once the cloud is idle, "
                f"expected {wait!r}"
            )
        self.save(f"{kind.name}.{item.name}", dict(shown))

    def _choice_not_taken(self, exc: ChoiceOutOfRange, at: float) -> Check:
        """A replay file's decision the run could not take where it came (its ``choices.made``
        entry named at its line and field): was a crash, with fakecloud's traceback."""
        made = (self.case.choices or {}).get("made") or []
        path: tuple = ("choices", "made")
        value = {"tie": "pick", "fault": "outcome"}.get(exc.kind, "value")
        for index, entry in enumerate(made):
            if not isinstance(entry, dict):
                continue
            if exc.kind == "fault":
                found = entry.get("fault") == exc.point and entry.get("n") == exc.n
            else:
                found = entry.get(exc.kind) == exc.n
            if found:
                path = ("choices", "made", index, value)
                break
        where = self.case.where(line_of(self.case.doc, path))
        return Check(False, f"field {field_name(path)}: at t={secs(at)}, {exc}", where)

    # -- scheduling --------------------------------------------------------------------------

    def _begin_chance(self) -> None:
        """At t0: replay a replay file's decisions, or let the explorer switch chance on."""
        choices = self.case.choices
        if choices:
            from fakecloud.sim.explore import Chance, replay

            chance = dict(choices.get("chance") or {})
            try:
                made = Chance(**chance)
            except TypeError as exc:
                raise ConfigError(f"choices.chance: {exc}") from None
            replay(self.kernel, made, list(choices.get("made") or []))
        self.perturbation.begin(self.kernel, self.read)

    def _schedule(self) -> None:
        self.first_seq = len(self.kernel.trace)
        previous: Step | None = None
        triggers = self.perturbation.triggers
        for step in self.case.steps:
            record = self.records[step.name]
            if step.name in triggers:
                index = triggers[step.name]
                if isinstance(index, float):  # a time from t0, as at: places a step
                    record.waiting_for = f"t={index:g}"
                    self._start_at(step, self.t0 + index - self.kernel.now)
                    continue
                record.waiting_for = f"trace event {index} from t0"
                fire = self._inserted(step)
                if index <= 0:
                    fire({})
                else:
                    self.watchers.append(_IndexWatcher(self.first_seq + index - 1, fire))
                continue
            if step.at is not None:
                record.waiting_for = f"t={step.at:g}"
                self._start(step, self.t0 + float(step.at) - self.kernel.now)
            elif step.on is not None:
                record.waiting_for = f"a trace event like {dict(step.on)}"
                watcher = _Watcher(step.on, step.on_nth, self._triggered(step))
                watcher.armed_late = self._armed_late(record)
                self.watchers.append(watcher)
            else:
                after = step.after or (previous.name if previous is not None else None)
                if after is None:
                    self._start(step, 0.0)
                else:
                    record.waiting_for = f"step {after} to finish"
                    self.followers.setdefault(after, []).append(step)
            previous = step
        self.seen = len(self.kernel.trace)

    def _armed_late(self, record: StepRecord) -> Callable[[dict], None]:
        """Say when a trigger naming ``${...}`` could first match: a volume-backed
        createImage's image is `saving` before its answer gives `${images.snap.id}`."""

        def note(event: dict) -> None:
            record.waiting_for += (
                f", watched from t={event['t'] - self.t0:.3f} when the names in it were "
                "known (an event before that is not seen)"
            )

        return note

    def _say_unresolved_triggers(self) -> None:
        """A step whose ``on:`` still names what the run never knew (the step that saves
        ``${images.snap.id}`` failed) says so, not only the pattern as written."""
        for step in self.case.steps:
            record = self.records[step.name]
            if step.on is None or record.ran or step.name in self.perturbation.triggers:
                continue
            try:
                self.resolve(step.on)
            except Unresolved as exc:
                record.waiting_for += f", which never resolved: {exc}"

    def _triggered(self, step: Step) -> Callable[[dict], None]:
        def fire(_event: dict) -> None:
            self._start(step, step.delay)

        return fire

    def _inserted(self, step: Step) -> Callable[[dict], None]:
        """The start of an explorer's insert: a request naming what is not known yet when it
        is due (``${steps.snap.body.image_id}`` before createImage answered) does not land, as
        if not drawn, so that the replay file, which leaves it out, is the same run."""
        started = self._triggered(step)
        if step.action != "request":
            return started

        def fire(event: dict) -> None:
            unknown = self._unknown(step)
            if unknown is not None:
                self.records[step.name].waiting_for = unknown
                return
            started(event)

        return fire

    def _unknown(self, step: Step) -> str | None:
        """Why an insert's request cannot be sent now (what it names is not known yet), or
        None."""
        if step.action != "request":
            return None
        spec = step.spec
        try:
            self.resolve(spec.path, spec.user)
            self.read(spec.body, spec.user)
            self.read(spec.headers, spec.user)
        except Unresolved as exc:
            return f"a request whose {exc} when it was due"
        return None

    def _start(self, step: Step, delay: float) -> None:
        self.kernel.spawn(self._step(step, max(0.0, delay)), name=step_process(step.name))

    def _start_at(self, step: Step, delay: float) -> None:
        """An insert placed at a time (a heartbeat): the process an ``at:`` step is, event for
        event, so its replay file's ``at:`` step runs the same; a request naming what is not
        known yet then does not land (`_inserted`)."""

        def landing() -> Generator:
            if delay > 0:
                yield self.kernel.env.timeout(delay)
            unknown = self._unknown(step)
            if unknown is not None:
                self.records[step.name].waiting_for = unknown
                return
            yield from self._step(step, 0.0)

        self.kernel.spawn(landing(), name=step_process(step.name))

    def _finished(self, step: Step) -> None:
        for follower in self.followers.pop(step.name, []):
            self._start(follower, follower.delay)

    # -- running a step ----------------------------------------------------------------------

    def _step(self, step: Step, delay: float) -> Generator:
        if delay:
            yield self.kernel.env.timeout(delay)
        record = self.records[step.name]
        record.started = self.kernel.now - self.t0
        record.waiting_for = ""
        if step.action == "request":
            record.actor = step.spec.user
        try:
            record.what = self.resolve(record.what, record.actor or "demo")
        except Unresolved:
            pass
        self.kernel.trace.write(_STEP, ACTOR, step.name, (step.action, record.what))
        try:
            yield from getattr(self, f"_do_{step.action}")(step, record)
        except StepFailed as exc:
            record.error = str(exc)
        record.finished = self.kernel.now - self.t0
        record.answered_seq = len(self.kernel.trace)
        self.names["steps"][step.name] = record.outcome()
        if record.error is None:
            record.error = self._save(step.save, record)
        self._finished(step)

    def _save(self, save: dict, record: StepRecord) -> str | None:
        """Name values of a step's outcome (``save:``); the first problem, if any."""
        if not save:
            return None
        outcome = record.outcome()
        problem = None
        for dotted, source in save.items():
            path, pattern = (
                (source, None) if isinstance(source, str) else (source["path"], source["regex"])
            )
            try:
                value = dig(outcome, str(path).split("."))
            except Unresolved as exc:
                problem = problem or f"save {dotted}: {path}: {exc}"
                continue
            if pattern is not None:
                m = re.search(pattern, str(value))
                if m is None:
                    problem = problem or f"save {dotted}: /{pattern}/ does not match {value!r}"
                    continue
                value = m.group(1) if m.groups() else m.group(0)
            self.save(dotted, value)
        return problem

    def _do_request(self, step: Step, record: StepRecord) -> Generator:
        response = yield from self._request(step.spec, "", record)
        fill(record, response)

    def _do_fault(self, step: Step, record: StepRecord) -> Generator:
        fields = dict(self._resolved(step.spec, step))
        point = fields.pop("point")
        action = fields.pop("action", "raise")
        for key in ("at", "until"):
            if key in fields:
                fields[key] = self.t0 + float(fields[key])
        if isinstance(fields.get("error"), str):
            fields["error"] = self._error_type(fields["error"])
        if "match" in fields:
            fields["match"] = _plain(fields["match"])
        try:
            rule = self.cloud.faults.add(point, action, **fields)
        except ConfigError as exc:
            raise StepFailed(str(exc)) from None
        self.rules.append((rule, step))
        return
        yield

    def _error_type(self, name: str) -> Any:
        """A ``module:Class`` error imported; a name or status as it is (the fault plan refuses
        an unknown one, with the closest real name)."""
        if ":" not in name or name in self.cloud.faults.error_types:
            return name
        module, _, attr = name.partition(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise StepFailed(f"error {name!r} cannot be imported: {exc}") from None

    def _do_release(self, step: Step, record: StepRecord) -> Generator:
        try:
            self.cloud.faults.release(self._resolved(step.spec, step))
        except ConfigError as exc:
            raise StepFailed(str(exc)) from None
        return
        yield

    def _do_capacity(self, step: Step, record: StepRecord) -> Generator:
        spec = self._resolved(step.spec, step)
        name = spec["resource"]
        if name not in self.cloud.io.resources:
            raise StepFailed(_no_resource(name, self.cloud.io.resources))
        self.cloud.io.set_capacity(name, _rate(spec))
        return
        yield

    def _declare_resources(self) -> None:
        """Make the links and disks the steps' transfers declare (``{name, mb_per_s}``) at
        time zero, in file order, before any step runs: part of the world the file describes,
        not an event, so a step that names one finds it whichever step due at its instant runs
        first (chance's tie order may run a step using ``link:demo`` before the one declaring
        it: `fakecloud explore` grouped that as what broke). One given no throughput, or one
        a reference (``${...}``) gives, is left to its step, which makes it or fails saying
        why, as before (the schema requires neither)."""
        for step in self.case.steps:
            if step.action != "transfer" or not isinstance(step.spec, dict):
                continue
            for item in step.spec.get("path") or ():
                if not isinstance(item, dict) or has_refs(item):
                    continue
                if item["name"] not in self.cloud.io.resources:
                    try:
                        rate = _rate(item)
                    except StepFailed:  # no throughput given
                        continue
                    self._declared[item["name"]] = rate
                    self.cloud.io.resource(item["name"], rate)

    def _do_transfer(self, step: Step, record: StepRecord) -> Generator:
        spec = self._resolved(step.spec, step)
        io = self.cloud.io
        path = []
        for item in spec["path"]:
            if isinstance(item, str):
                if item not in io.resources:
                    raise StepFailed(_no_resource(item, io.resources) + " (or give {name, rate})")
                path.append(io.resources[item])
            else:
                name, rate = item["name"], _rate(item)
                known = io.resources.get(name)
                if known is not None and self._declared.get(name) == rate:
                    pass  # made at time zero from this declaration (or an equal one)
                elif known is not None and abs(known.nominal - rate) > 1e-6:
                    raise StepFailed(
                        f"I/O resource {name!r} already exists at {known.nominal / 1e6:g} MB/s; "
                        "give just its name to use it as it is, or pick another name"
                    )
                path.append(io.resource(name, rate))
        size = int(
            spec.get("size_bytes", 0)
            or float(spec.get("size_mb", 0)) * 1_000_000
            or float(spec.get("size_gb", 0)) * 1_000_000_000
        )
        transfer = io.transfer(size, path, label=spec.get("label") or step.name, step=step.name)
        try:
            yield transfer.done
        except Exception as exc:  # noqa: BLE001 - a failed transfer is the step's outcome
            record.error = f"{type(exc).__name__}: {exc}"

    def _do_rpc(self, step: Step, record: StepRecord) -> Generator:
        spec = self._resolved(step.spec, step)
        self.kernel.rpc.set_up(spec["target"], bool(spec["up"]))
        return
        yield

    def _do_restart(self, step: Step, record: StepRecord) -> Generator:
        spec = self._resolved(step.spec, step)
        nova = getattr(self.cloud, "nova", None)
        host = spec["host"]
        down = spec.get("down_s")
        if "@" in host:  # a cinder-volume's host, HOST@BACKEND
            cinder = getattr(self.cloud, "cinder", None)
            own, _, backend = host.partition("@")
            if cinder is None or own != cinder.config.host or backend not in cinder.drivers:
                known = ", ".join(
                    f"{cinder.config.host}@{b}" for b in getattr(cinder, "drivers", {})
                )
                raise StepFailed(f"no cinder-volume host {host!r}; hosts: {known or 'none'}")
            yield cinder.restart_volume(backend, 0.0 if down is None else float(down))
            return
        if nova is None or host not in nova.hosts:
            known = ", ".join(sorted(getattr(nova, "hosts", {}))) or "none"
            raise StepFailed(f"no compute host {host!r}; hosts: {known}")
        yield nova.restart_compute(host, None if down is None else float(down))

    def _do_guest(self, step: Step, record: StepRecord) -> Generator:
        spec = self._resolved(step.spec, step)
        nova = getattr(self.cloud, "nova", None)
        server = spec["server"]
        for manager in getattr(nova, "hosts", {}).values():
            if server in manager.driver.domains:
                manager.guest_stopped(server, crashed=spec["stops"] == "crash")
                return
        raise StepFailed(f"no guest of server {server!r} on any compute host")
        yield

    def _do_wait(self, step: Step, record: StepRecord) -> Generator:
        spec = step.spec
        env = self.kernel.env
        if not isinstance(spec, dict):
            yield env.timeout(float(spec))
            return
        if "trace" in spec:
            event = env.event()
            watcher = _Watcher(spec["trace"], spec.get("nth", 1), lambda e: event.succeed(e))
            self.watchers.append(watcher)
            timeout = spec.get("timeout")
            if timeout is None:
                yield event
            else:
                yield event | env.timeout(float(timeout))
                if not event.triggered:
                    watcher.done = True
                    raise StepFailed(
                        f"no trace event like {dict(spec['trace'])} within {timeout:g} s"
                    )
            return
        poll = RequestSpec.from_fields(spec["poll"], spec)
        record.actor = poll.user
        until = Expect.build(spec["until"], self.case.doc, ())
        every, limit = float(spec.get("every", 1.0)), float(spec.get("timeout", 300.0))
        deadline = env.now + limit
        while True:
            response = yield from self._request(poll, "")
            fill(record, response)
            problems = self._response_mismatches(record, until, poll.user)
            if not problems:
                return
            if env.now + every > deadline:
                raise StepFailed(f"still not matching after {limit:g} s: " + "; ".join(problems))
            yield env.timeout(every)

    def _resolved(self, value: Any, step: Step) -> Any:
        try:
            return self.resolve(value)
        except Unresolved as exc:
            raise StepFailed(str(exc)) from None

    # -- driving the clock -------------------------------------------------------------------

    def _drive(self, result: CaseResult) -> None:
        kernel, env, trace = self.kernel, self.kernel.env, self.kernel.trace
        cap = self.case.idle_cap_s or kernel.config.kernel.idle_cap_s
        stop = None if self.case.until is None else self.t0 + float(self.case.until)
        limit = self.t0 + cap
        why = ""
        # simpy's env.peek() and env.step(), and kernel.running(), without a Python call per
        # step (as the kernel's own run loops do); under chance's tie order the explorer first
        # picks which of the events due at one instant runs next.
        queue, live, choices = env._queue, kernel._live, kernel.choices
        # Trace events are offered to watchers (``on:`` triggers, inserts, ``wait: {trace:}``):
        # a run that has none and no step that may arm one reads no trace length per step.
        watch = bool(self.watchers) or any(_waits_on_trace(s) for s in self.case.steps)
        most = self.perturbation.max_events
        if most is not None:
            watch, most = True, self.first_seq + most
        self._end = limit if stop is None else stop
        kernel.horizon = self._poll_horizon
        stuck = False  # left waiting on what nothing will trigger
        with kernel.driving():
            try:
                while live:
                    when = queue[0][0] if queue else _NEVER
                    if stop is not None and when > stop:
                        break
                    if when == _NEVER:
                        stuck = True
                        why = (
                            f"has waited from t={secs(env.now - self.t0)} on events nothing "
                            "will trigger"
                        )
                        break
                    if when > limit:
                        if cancel.pop_head(queue):  # nothing is due then: look again
                            continue
                        # nothing ran past the cap: "at t=0 it is still busy after 604800
                        # virtual seconds" read as a contradiction (a `wait: 1e9`)
                        why = (
                            f"is still busy: the next thing it waits for is at "
                            f"t={secs(when - self.t0)}, past the {cap:g} virtual seconds a run "
                            "may take (`run: {idle_cap_s: ...}` gives it longer)"
                        )
                        break
                    if len(queue) > 1 and choices.chance.tie_order and choices.source is not None:
                        # order_ties's own first test, without its call when nothing ties
                        t, prio = queue[0][0], queue[0][1]
                        second = queue[1]
                        third = queue[2] if len(queue) > 2 else second
                        if (second[0] == t and second[1] == prio) or (
                            third[0] == t and third[1] == prio
                        ):
                            choices.order_ties(queue, live)
                    when, _, _, event = heappop(queue)
                    callbacks = event.callbacks
                    if callbacks is CANCELLED:  # not there: the clock stays
                        continue
                    env._now = when
                    event.callbacks = None
                    for callback in callbacks:
                        callback(event)
                    if not event._ok and not hasattr(event, "_defused"):
                        raise _failure(event)
                    if watch and len(trace) != self.seen:
                        self._scan(trace)
                        if most is not None and self.seen > most:
                            why = (
                                f"is still busy after {self.perturbation.max_events} trace "
                                "events, as many as this run may write"
                            )
                            break
            except ChoiceOutOfRange as exc:  # the file's, not a crash: named at its entry
                result.checks.append(self._choice_not_taken(exc, env.now - self.t0))
            except Exception as exc:  # noqa: BLE001 - a crash inside the simulation
                result.checks.append(
                    Check(
                        False,
                        f"the simulation crashed at t={secs(env.now - self.t0)}",
                        self.case.file,
                        traceback.format_exception(exc)[-6:],
                    )
                )
            finally:
                kernel.horizon = None
        result.driven_seq = len(trace)
        if stop is not None and env.now < stop and kernel.running():
            kernel.advance(stop - env.now)
        elif stuck and env.now < limit:
            # Work waits on what nothing will trigger: it waits so until the run's cap, as
            # work polling a stall does (`fakecloud.sim.polling`), and what lasts while it
            # waits (a guest left frozen) is judged at that end, not where waiting began.
            kernel.advance(limit - env.now)
        result.idle = not kernel.running()
        result.end = env.now - self.t0
        if why:
            still = [n for n in kernel.running()]
            result.checks.append(
                Check(
                    False,
                    f"the cloud never became idle: at t={secs(result.end)} it {why}",
                    self.case.file,
                    [
                        f"still running: {', '.join(still[:10])}"
                        + (f" and {len(still) - 10} more" if len(still) > 10 else "")
                    ],
                )
            )

    def _poll_horizon(self) -> float | None:
        """Where this run ends (its ``until``, else its idle cap) once nothing more is to come
        from the scenario: no step waits for a trigger or for another step, no inserted action
        for its event; else None (`fakecloud.sim.polling`)."""
        if self.watchers or self.followers:
            return None
        return self._end

    def _scan(self, trace: Any) -> None:
        start, self.seen = self.seen, len(trace)
        if not self.watchers:
            return
        for i in range(start, self.seen):
            event = trace[i]
            for watcher in self.watchers:
                if not watcher.done:
                    watcher.offer(event, self)
            if any(w.done for w in self.watchers):
                self.watchers = [w for w in self.watchers if not w.done]

    # -- expectations ------------------------------------------------------------------------

    def _evaluate(self, result: CaseResult) -> None:
        expect.evaluate(self, result)

    def _response_mismatches(self, record: StepRecord, exp: Expect, user: str) -> list[str]:
        """Why a response does not match `exp` (status, body, headers)."""
        out = []
        if exp.status is not None and record.status not in exp.status:
            want = exp.status[0] if len(exp.status) == 1 else exp.status
            got = (  # a request never sent (its error is the step's) was "got None None"
                "no answer" if record.status is None else f"{record.status} {_short(record.body)}"
            )
            out.append(f"status: expected {want}, got {got}")
        try:
            if exp.body is not None:
                out += mismatches(record.body, self.read(exp.body, user), "body")
            if exp.headers is not None:
                headers = self.read(exp.headers, user)
                out += mismatches(record.headers, headers, "headers", fold_case=True)
        except Unresolved as exc:
            out.append(str(exc))
        return out


def _ref_parts(ref: str) -> tuple[str, tuple[str, ...]]:
    """A reference's root and the dotted parts after it, cut once per text: every run of a
    case looks the same references up (a cut makes new strings, each hashed again by the
    dict lookups that follow)."""
    found = _REF_PARTS.get(ref)
    if found is None:
        root, _, rest = ref.partition(".")
        found = (root, tuple(rest.split(".")) if rest else ())
        if len(_REF_PARTS) >= 4096:
            _REF_PARTS.clear()
        _REF_PARTS[ref] = found
    return found


_REF_PARTS: dict[str, tuple[str, tuple[str, ...]]] = {}


def step_process(name: str) -> str:
    """The name of the simulated process that runs the step called `name`."""
    return f"{ACTOR} step {name}"


def _waits_on_trace(step: Step) -> bool:
    """Whether `step` is a ``wait: {trace: ...}``, which arms a watcher while the run goes."""
    return step.action == "wait" and isinstance(step.spec, dict) and "trace" in step.spec


class _Watcher:
    """A trace pattern armed during the run; calls `fire(event)` at its nth match."""

    _resolved: dict | None
    #: Called with the first event offered once the pattern resolved, if it did not at first.
    armed_late: Callable[[dict], None] | None = None

    def __init__(self, pattern: dict, nth: int, fire: Callable[[dict], None]):
        self.pattern = pattern
        self.nth = nth
        self.fire = fire
        self.count = 0
        self.done = False
        self._resolved = None
        self._waited = False

    def offer(self, event: dict, run: _Run) -> None:
        if self._resolved is None:
            try:
                self._resolved = run.resolve(self.pattern)
            except Unresolved:
                self._waited = True
                return
            if self._waited and self.armed_late is not None:
                self.armed_late(event)
        if event_matches(event, self._resolved):
            self.count += 1
            if self.count >= self.nth:
                self.done = True
                self.fire(event)


class _IndexWatcher:
    """Fires once the trace event with sequence number `seq` has been written."""

    def __init__(self, seq: int, fire: Callable[[dict], None]):
        self.seq = seq
        self.fire = fire
        self.done = False

    def offer(self, event: dict, run: _Run) -> None:
        if event["seq"] >= self.seq:
            self.done = True
            self.fire(event)


_NEVER = float("inf")


def _failure(event: Any) -> BaseException:
    """What simpy's step raises for a failed event nobody defused: a copy of its exception."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    return exc


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _short(body: Any, width: int = 160) -> str:
    # a step's mismatch keeps the head: explore's paths read the ids it names
    return clipped(repr(body) if not isinstance(body, str) else body, width)


def _ends(body: Any, width: int = 160) -> str:
    """`body` cut from the middle: a fault's message names a set-up request's mistake at its end
    (Nova's "Invalid input for field/attribute server. Value: {...}. Additional properties are
    not allowed ('flavourRef' was unexpected)"), after the whole body it echoes."""
    text = repr(body) if not isinstance(body, str) else body
    if len(text) <= width:
        return text
    half = (width - 3) // 2
    return f"{text[:half]} … {text[len(text) - half :]}"


def _rate(spec: dict) -> float:
    if "bytes_per_s" in spec:
        return float(spec["bytes_per_s"])
    if "mb_per_s" in spec:
        return float(spec["mb_per_s"]) * 1_000_000
    if "gbit_per_s" in spec:
        return float(spec["gbit_per_s"]) * 1e9 / 8
    raise StepFailed("give a throughput: bytes_per_s, mb_per_s or gbit_per_s")


def _no_resource(name: str, resources: dict) -> str:
    from fakecloud.suggest import did_you_mean

    return (
        f"no I/O resource {name!r}{did_you_mean(name, resources)}; "
        f"resources: {', '.join(resources) or 'none yet'}"
    )
