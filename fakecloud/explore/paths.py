"""The path of one failed check: the notable trace events that led to it, and its cause.

A run's notable events are the faults that fired, the inserted actions that ran, the
restarts and guests' own actions the file places at a time (``at:``, which race the flow as
such an insert does, but are in every seed's run: no choice of it; named for a check that
names a resource, not on every path of one that names none), the error answers of steps,
and RPC timeouts, lost messages and calls that expired in the queue of a stopped service
(``rpc.expired``: a call queued for a nova-compute down longer than the call's timeout,
discarded unseen when it is back). The path of a failed check keeps those that both

- happened *before the check failed*: up to the moment its details name as the one it broke
  at (``at t=...``, counted from t0: a 500 answer, an image deleted while active, a freeze
  passing its limit; a step's error answer counts when its request was made by then; where
  it broke at a trace event, a 500's or a delete's, by that event: what the kernel ran after
  it at the same instant is after it), up to its step's answer for a check of that answer
  (its status, body or timing: `Check.broke_seq`), else up to the end of the run (a bad end
  state such as a guest still frozen is often made after the subject's last state change: a
  thaw that failed changes no state);
- *touch its subject*: an event naming one of the resources the details name (their ids) or a
  resource linked to one of them at t0 (in the world every seed forks) or at the end of the
  run (what the run deleted stays linked as t0 had it): a server's snapshot images
  (``instance_uuid``), an image's volume snapshots (``block_device_mapping``), a volume
  snapshot's volume, a volume's attachments (a fault on ``attachment_update``,
  ``attachment_complete`` or ``attachment_delete`` names only the attachment) and its server
  (theirs), at any moment of the run too (Cinder records them as it makes them,
  `Cinder.links`: a detach deletes the attachment that linked a volume to its server, a
  migration its temporary volume, the source's copy), the resources a failed step's own
  request names (its path's ids and its body's, asked before the check broke: an attach that a
  Cinder fault on its volume failed never linked that volume to its server, and the fault is
  still why), and the compute hosts a server is on, moved between or scheduled to (placement's
  allocation before the compute's claim writes its host: a build a restart killed there) (a
  restart of one, an RPC to it, unless the message names another server: its ``instance``); a
  step whose answer names one (the step that made it) touches it too, and so does a fault on a
  call that names no resource (Cinder's absolute limits a volume-backed createImage reads, a
  list): it acted on the project, so on anything of it. A check whose details name no id (a
  project's quota, most expectations) keeps every notable event.

One cause acts through something shared rather than linked: a quota. When a step on the path
was refused for a quota (its answer's kind of refusal, from the service's own error behind it:
Nova's ``OverQuota`` family and ``ImageQuotaExceeded``, Cinder's quota errors, Glance's
``LimitExceeded`` family and ``StorageQuotaFull``; `fakecloud.api.refusals`), the steps and
inserted actions of others that were accepted and asked before its answer came (they used what
it lacked) are on the path too.

"Before an answer" is by the trace's order, not by the clock: an event at the answer's virtual
instant that the kernel ran after the answer (its sequence number is later) is not before it.
A path lists its events in the order they happened (a step's answer when it came). Its
*cause*, which groups seeds (`Led.cause`), is the set of them plus one kind of order: an event
that came before the answer of a step that was refused (a 4xx answer) and names a resource the
step's request names (its path's ids and its body's, as for linking), since it may be why (a
delete while a createImage of the same server is asked, answered 409). Any other order is
chance: the same events in another order are the same cause, and a group shows the path of its
first seed.

So two seeds that froze one guest the same way form one group whatever else happened to the
other servers of the world, after the guest froze, or in which order unrelated things came.
The explorer then prunes each failing seed's path by effect (`fakecloud.explore.effect`): a
fault or an inserted action the check still breaks without is left off it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fakecloud.api.refusals import QUOTA

_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_AT = re.compile(r"\bat t=(-?[0-9.]+)")
_KINDS = ("fault", "rpc.timeout", "rpc.lost", "rpc.expired", "scenario.step")
#: RPC outcomes a path names: a call timed out, a message lost, a call expired in a stopped
#: service's queue.
_RPC = ("rpc.timeout", "rpc.lost", "rpc.expired")
_CHOSEN = "(chosen by the explorer)"
#: The actions of the file's steps placed at a time (``at:``) that a path names: those an
#: insert may be too (a service's restart, a guest's own shutdown), which nothing else names.
_TIMED = ("restart", "guest")


@dataclass(frozen=True)
class Led:
    """How a failed check was led to: its path, and the cause it groups by (see the module)."""

    path: tuple[str, ...]
    """The events, in the order they first happened, each named once."""
    cause: tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
    """The path's events sorted, and the (earlier, refused step's answer) pairs whose order
    counts."""
    choices: dict[str, tuple] = field(default_factory=dict)
    """The path's events that a decision of the seed made, by label: a fault the explorer
    fired (``("fault", point, outcome)``) or an insert that landed (``("insert", name)``);
    what `fakecloud.explore.effect` tries away."""

    def covers(self, cause: tuple) -> bool:
        """Whether this path holds every event and kept order of `cause` (another run's
        `cause`, perhaps pruned by effect)."""
        return set(cause[0]) <= set(self.cause[0]) and set(cause[1]) <= set(self.cause[1])


def path_of(
    result: Any,
    landed: dict[str, int],
    details: list[str],
    broke_seq: int | None = None,
    needless: frozenset[str] = frozenset(),
    start: Iterable[tuple[str, str]] = (),
) -> Led:
    """The notable events that led to the failed check with `details` (see the module);
    `broke_seq`, the trace event it broke at (`Check.broke_seq`), when it names one;
    `start`, the links of the world the run started from (`world_links`).
    The events labelled in `needless` are left out, with the loss and timeout of an RPC
    message a needless fault dropped, and a needless insert's answer
    (`fakecloud.explore.effect`); an RPC timeout or expiry labelled there (one the run
    without the needless events did not have: a stall's, a restart's) too."""
    named = set(_ID.findall(" ".join(details)))
    end = _moment(details, result.t0)
    last = float("inf") if broke_seq is None else broke_seq
    asked = _failed_requests(result, end, last) if named else []
    ids = linked(result.cloud, named, [*asked, *start]) if named else set()
    names = _names(ids | hosts_of(result.cloud, ids)) if ids else None
    backends = volume_hosts(result.cloud, ids)
    restarts = _names(backends) if backends else None  # a step restarting their cinder-volume
    records = {record.name: record for record in result.steps}
    # a restart or a guest's own action the file places at a time (`at:`) races the flow as an
    # insert of the same kind does, and writes no fault event or error answer: named alike
    timed = {
        s.name
        for s in result.case.steps
        if s.at is not None and s.action in _TIMED and s.name not in landed
    }
    named_steps = timed.union(landed)
    seen: dict[str, dict[str, Any]] = {}  # how the path names an event -> its first event
    requests: dict[str, dict[str, Any]] = {}  # each step's request (its trace event)
    steps: set[str] = set()  # the steps whose request touches the subject
    others: dict[str, str] = {}  # the other steps: how the path would name them
    choices: dict[str, tuple] = {}  # the path's events a decision made (`Led.choices`)
    skipped: set[str] = set()  # needless inserts
    lost: set[tuple[str, str]] = set()  # the (target, method) of messages needless faults dropped
    for event in result.trace.filter(kind=_KINDS):
        if event["seq"] < result.first_seq:
            continue
        if end is not None and event["t"] > end or event["seq"] > last:
            break
        kind = event["kind"]
        if kind == "scenario.step":
            requests[event["subject"]] = event
        if (
            names is not None
            and not _touches(event, names, records, ids)
            and not (kind == "scenario.step" and restarts and restarts.search(event["what"]))
        ):
            if kind == "scenario.step":
                others[event["subject"]] = _action(event, named_steps)
            continue
        if kind == "fault":
            rule = str(event.get("rule", ""))
            outcome = rule.split(" (")[0]
            label = f"fault {event['subject']}: {outcome}"
            if label in needless:
                lost.add((event.get("target"), event.get("method")))
                continue
            seen.setdefault(label, event)
            if rule.endswith(_CHOSEN):
                choices.setdefault(label, ("fault", event["subject"], outcome))
        elif kind in _RPC:
            label = _rpc_label(event)
            if (event["subject"], event.get("method")) in lost or label in needless:
                continue
            seen.setdefault(label, event)
        elif event["subject"] in landed:
            label = _action(event, landed)
            if label in needless:
                skipped.add(event["subject"])
                continue
            steps.add(event["subject"])
            seen.setdefault(label, event)
            choices.setdefault(label, ("insert", event["subject"]))
        elif event["subject"] in timed and names is not None:  # no choice to try away
            steps.add(event["subject"])
            seen.setdefault(_action(event, timed), event)
        else:
            steps.add(event["subject"])
    answers = [
        record
        for record in result.steps
        if record.status is not None
        and record.status >= 400
        and (names is None or record.name in steps)
        and record.name in requests  # asked before it broke
        and record.name not in skipped
    ]
    told = list(answers)  # the steps the path names by their answer
    users = [records[name] for name in others if name in records and name not in skipped]
    for record in _quota_users(answers, users, requests):
        if others[record.name]:
            seen.setdefault(others[record.name], requests[record.name])
        else:
            told.append(record)
    when = {label: (event["t"], event["seq"]) for label, event in seen.items()}
    when.update({_answered(r): (_answer_t(r, result.t0), _answer_seq(r)) for r in told})
    path = tuple(sorted(when, key=when.__getitem__))
    cause = (tuple(sorted(path)), _causal_order(seen, answers, requests))
    return Led(path, cause, {label: choices[label] for label in path if label in choices})


def _rpc_label(event: dict[str, Any]) -> str:
    """An RPC timeout, lost message or expired call as a path names it."""
    return f"{event['kind']} {event['subject']} {event.get('method', '')}"


def rpc_timeouts(result: Any) -> frozenset[str]:
    """The RPC timeouts and expiries a run wrote after t0, as a path names them."""
    first = result.first_seq
    events = result.trace.filter(kind=("rpc.timeout", "rpc.expired"))
    return frozenset(_rpc_label(e) for e in events if e["seq"] >= first)


def _failed_requests(result: Any, end: float | None, last: float) -> list[tuple[str, str]]:
    """The links of the failed steps' own requests (see the module): the ids each one's path
    and body name, each linked to the first, for the steps asked before the check broke."""
    failed = {r.name: r for r in result.steps if r.status is not None and r.status >= 400}
    if not failed:
        return []
    links: list[tuple[str, str]] = []
    for event in result.trace.filter(kind="scenario.step", subject=tuple(failed)):
        if event["seq"] < result.first_seq:
            continue
        if end is not None and event["t"] > end or event["seq"] > last:
            break
        record = failed[event["subject"]]
        found = _ID.findall(record.what) + _body_ids(record)
        links.extend((found[0], other) for other in found[1:])
    return links


def _body_ids(record: Any) -> list[str]:
    """The resource ids in the body a step's request sent (`StepRecord.request`)."""
    if record.request is None:
        return []
    return _ID.findall(json.dumps(record.request, default=str))


def _answer_seq(record: Any) -> float:
    """Where a step's answer falls among the trace's events: after those of a lower sequence
    number (`StepRecord.answered_seq`), before the rest; after all when it is not known."""
    seq = record.answered_seq
    return float("inf") if seq is None else seq - 0.5


def _answer_t(record: Any, t0: float) -> float:
    """The cloud time a step's answer came (its request's if it is not known)."""
    return t0 + (record.finished if record.finished is not None else record.started or 0.0)


def _action(event: dict[str, Any], placed: Iterable[str]) -> str:
    """An inserted action, or a step of the file placed at a time (`at:`), as a path names it
    (what it did); "" for another step of the file."""
    name = event["subject"]
    return f"{name}: {event.get('what', '')}" if name in placed else ""


def _answered(record: Any) -> str:
    return f"step {record.name} answered {record.status}"


def _quota_users(
    answers: list[Any], others: list[Any], requests: dict[str, dict[str, Any]]
) -> list[Any]:
    """The steps of `others` that used a quota a step of `answers` was refused for (see the
    module): accepted, and asked (their request's trace event) before that refusal's answer."""
    refused = [_answer_seq(r) for r in answers if r.refusal == QUOTA]
    if not refused:
        return []
    by = max(refused)
    return [
        r
        for r in others
        if r.status is not None
        and r.status < 400
        and r.name in requests
        and requests[r.name]["seq"] < by
    ]


def _causal_order(
    seen: dict[str, dict[str, Any]], answers: list[Any], requests: dict[str, dict[str, Any]]
) -> tuple[tuple[str, str], ...]:
    """The orders of a path that count (see the module): (event, refused step's answer) where
    the event came before the answer and names a resource the step's request names (its path
    or its body)."""
    pairs = set()
    for record in answers:
        if record.status >= 500 or record.name not in requests:
            continue
        request = requests[record.name]
        wanted = _ids_in(request).union(_body_ids(record))
        by = _answer_seq(record)
        for label, event in seen.items():
            if event is not request and event["seq"] < by and wanted & _ids_in(event):
                pairs.add((label, _answered(record)))
    return tuple(sorted(pairs))


def ids_of(details: list[Any]) -> frozenset[str]:
    """The resource ids a failed check's details name."""
    return frozenset(_ID.findall(" ".join(map(str, details))))


def _ids_in(event: dict[str, Any]) -> frozenset[str]:
    """The resource ids a trace event's string fields name."""
    return frozenset(_ID.findall(" ".join(v for v in event.values() if isinstance(v, str))))


def _names(names: set[str]) -> re.Pattern:
    """A pattern finding any of `names` as a whole word (host cmp-1 is not in cmp-10)."""
    words = "|".join(re.escape(n) for n in sorted(names))
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")


def _touches(
    event: dict[str, Any], names: re.Pattern, records: dict[str, Any], ids: set[str]
) -> bool:
    """Whether a string field of `event` names one of `names`, or, for a step, its answer.
    An RPC message naming its server (its ``instance``) touches that server's resources
    only, not every server on the host it went to."""
    instance = event.get("instance")
    if instance is not None:
        return instance in ids
    text = " ".join(v for v in event.values() if isinstance(v, str))
    if names.search(text):
        return True
    if event["kind"] == "fault" and _ID.search(text) is None:
        return True  # a call about no resource (a project's limits, a list): it may be why
    return event["kind"] == "scenario.step" and _answer_names(records.get(event["subject"]), names)


def _answer_names(record: Any, names: re.Pattern) -> bool:
    """Whether a step's answer names one of `names` (a step that made the subject)."""
    if record is None or record.body is None:
        return False
    return names.search(json.dumps(record.body, default=str)) is not None


def _moment(details: list[str], t0: float) -> float | None:
    """The cloud time the check broke at, the latest its details name (None: the end)."""
    moments = [float(m) for detail in details for m in _AT.findall(detail)]
    # a detail's moment is rounded to the millisecond: up to half of one may be lost
    return t0 + max(moments) + 0.0005 if moments else None


def linked(cloud: Any, named: set[str], asked: Iterable[tuple[str, str]] = ()) -> set[str]:
    """`named` and every resource linked to them in `cloud` (see the module), to a fixed
    point; `asked`, more links: the failed steps' requests' (`_failed_requests`), the start
    world's (`world_links`)."""
    links = [*asked, *links_of(cloud)]
    out = set(named)
    grown = True
    while grown:
        grown = False
        for a, b in links:
            if (a in out) != (b in out):
                out.update((a, b))
                grown = True
    return out


def world_links(world: Any) -> tuple[tuple[str, str], ...]:
    """The links of a case's world at t0 (`fakecloud.scenario.runner.World`, or a
    `Recycling` of it; None: none), made once per world: what a run later deleted (a
    server's snapshot image, an attachment) still links its resources on a path."""
    if world is None:
        return ()
    world = getattr(world, "world", world)  # a Recycling's world
    found = world.__dict__.get("_links")
    if found is None:
        found = world._links = tuple(links_of(world.cloud))
    return found


def links_of(cloud: Any) -> list[tuple[str, str]]:
    """The links between the resources of `cloud` as it is (see the module)."""
    links: list[tuple[str, str]] = []
    glance = getattr(getattr(cloud, "glance", None), "db", None)
    for image in getattr(glance, "images", {}).values():
        props = getattr(image, "extra_properties", None) or {}
        if props.get("instance_uuid"):
            links.append((image.id, str(props["instance_uuid"])))
        links.extend((image.id, s) for s in _mapped_snapshots(props.get("block_device_mapping")))
    store = getattr(getattr(cloud, "cinder", None), "store", None)
    for snap in getattr(store, "snapshots", {}).values():
        links.append((snap.id, snap.volume_id))
    for attachment in getattr(store, "attachments", {}).values():
        links.append((attachment.id, attachment.volume_id))
        if attachment.instance_uuid:
            links.append((attachment.volume_id, attachment.instance_uuid))
    links.extend(recorded_links(cloud))
    return links


def recorded_links(cloud: Any) -> list[tuple[str, str]]:
    """The links Cinder recorded as it made them (`Cinder.links`, two ids a link laid flat),
    as pairs."""
    flat = getattr(getattr(cloud, "cinder", None), "links", ())
    return list(zip(flat[::2], flat[1::2], strict=True))


def hosts_of(cloud: Any, ids: set[str]) -> set[str]:
    """The compute hosts of the servers among `ids`, now, at either end of their moves, and
    the one a build was scheduled to whose claim has not written its host (placement's
    allocation: a restart there that killed the build before its claim); a restart of one,
    an RPC to it."""
    db = getattr(getattr(cloud, "nova", None), "db", None)
    rows = getattr(db, "instances", None) or {}
    hosts = {getattr(rows.get(i), "host", None) for i in ids}
    if db is not None:
        hosts.update(db.allocated_host(i) for i in ids)
    for migration in (getattr(db, "migrations", None) or {}).values():
        if migration.instance_uuid in ids:
            hosts.update((migration.source_compute, migration.dest_compute))
    hosts.discard(None)
    return hosts


def volume_hosts(cloud: Any, ids: set[str]) -> set[str]:
    """The cinder-volume hosts (``HOST@BACKEND``) of the volumes and volume snapshots among
    `ids`, live or deleted by the run (`Cinder.gone_backends`: the backend its row had): a
    restart of one (``restart cinder-volume on cinder@lvmdriver-1``) touches them."""
    cinder = getattr(cloud, "cinder", None)
    store = getattr(cinder, "store", None)
    if store is None or not ids:
        return set()
    flat = getattr(cinder, "gone_backends", ())
    gone = dict(zip(flat[::2], flat[1::2], strict=True))
    volumes = []
    for i in ids:
        volume = store.volumes.get(i)
        snapshot = store.snapshots.get(i) if volume is None else None
        if snapshot is not None:
            volume = store.volumes.get(snapshot.volume_id)
            i = snapshot.volume_id
        if volume is not None and volume.backend:
            volumes.append(volume.backend)
        elif i in gone:
            volumes.append(gone[i])
    return {f"{cinder.config.host}@{backend}" for backend in volumes}


def _mapped_snapshots(mapping: Any) -> list[str]:
    """The volume snapshot ids of an image's ``block_device_mapping`` (a list or its JSON)."""
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping)
        except ValueError:
            return []
    return [
        str(entry["snapshot_id"])
        for entry in mapping or ()
        if isinstance(entry, dict) and entry.get("snapshot_id")
    ]
