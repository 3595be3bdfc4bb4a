"""The path of one failed check: the notable trace events that led to it.

A run's notable events are the faults that fired, the inserted actions that ran, the error
answers of steps, and RPC timeouts and lost messages. The path of a failed check keeps those
that both

- happened *before the check failed*: up to the moment its details name as the one it broke
  at (``at t=...``, counted from t0: a 500 answer, an image deleted while active; a step's
  error answer counts when its request was made by then), else up to the end of the run (a
  bad end state such as a guest still frozen is often made after the subject's last state
  change: a thaw that failed changes no state);
- *touch its subject*: an event naming one of the resources the details name (their ids) or a
  resource linked to one of them at the end of the run: a server's snapshot images
  (``instance_uuid``), an image's volume snapshots (``block_device_mapping``), a volume
  snapshot's volume, a volume's server (its attachments), and the compute hosts a server is
  on or moved between (a restart of one, an RPC to it); a step whose answer names one (the step
  that made it) touches it too. A check whose details name no id
  (a project's quota, most expectations) keeps every notable event.

So two seeds that froze one guest the same way form one group whatever else happened to the
other servers of the world, or after the guest froze.
"""

from __future__ import annotations

import json
import re
from typing import Any

_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_AT = re.compile(r"\bat t=(-?[0-9.]+)")
_KINDS = ("fault", "rpc.timeout", "rpc.lost", "scenario.step")


def path_of(result: Any, landed: dict[str, int], details: list[str]) -> tuple[str, ...]:
    """The notable events that led to the failed check with `details` (see the module), in
    the order they first happened, each named once."""
    named = set(_ID.findall(" ".join(details)))
    ids = linked(result.cloud, named) if named else set()
    names = _names(ids | hosts_of(result.cloud, ids)) if ids else None
    end = _moment(details, result.t0)
    records = {record.name: record for record in result.steps}
    seen: dict[str, None] = {}
    steps: set[str] = set()
    for event in result.trace.filter(kind=_KINDS):
        if event["seq"] < result.first_seq:
            continue
        if end is not None and event["t"] > end:
            break
        kind = event["kind"]
        if names is not None and not _touches(event, names, records):
            continue
        if kind == "fault":
            outcome = str(event.get("rule", "")).split(" (")[0]
            seen[f"fault {event['subject']}: {outcome}"] = None
        elif kind in ("rpc.timeout", "rpc.lost"):
            seen[f"{kind} {event['subject']} {event.get('method', '')}"] = None
        else:
            steps.add(event["subject"])
            if event["subject"] in landed:
                seen[f"{event['subject']}: {event.get('what', '')}"] = None
    for record in result.steps:
        if record.status is None or record.status < 400:
            continue
        if names is not None and record.name not in steps:
            continue
        if end is None or record.started is None or record.started + result.t0 <= end:
            seen[f"step {record.name} answered {record.status}"] = None
    return tuple(seen)


def _names(names: set[str]) -> re.Pattern:
    """A pattern finding any of `names` as a whole word (host cmp-1 is not in cmp-10)."""
    words = "|".join(re.escape(n) for n in sorted(names))
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")


def _touches(event: dict[str, Any], names: re.Pattern, records: dict[str, Any]) -> bool:
    """Whether a string field of `event` names one of `names`, or, for a step, its answer."""
    if names.search(" ".join(v for v in event.values() if isinstance(v, str))):
        return True
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


def linked(cloud: Any, named: set[str]) -> set[str]:
    """`named` and every resource linked to them (see the module), to a fixed point."""
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
        if attachment.instance_uuid:
            links.append((attachment.volume_id, attachment.instance_uuid))
    out = set(named)
    grown = True
    while grown:
        grown = False
        for a, b in links:
            if (a in out) != (b in out):
                out.update((a, b))
                grown = True
    return out


def hosts_of(cloud: Any, ids: set[str]) -> set[str]:
    """The compute hosts of the servers among `ids`, now and at either end of their moves
    (a restart of one, an RPC to it)."""
    db = getattr(getattr(cloud, "nova", None), "db", None)
    rows = getattr(db, "instances", None) or {}
    hosts = {getattr(rows.get(i), "host", None) for i in ids}
    for migration in (getattr(db, "migrations", None) or {}).values():
        if migration.instance_uuid in ids:
            hosts.update((migration.source_compute, migration.dest_compute))
    hosts.discard(None)
    return hosts


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
