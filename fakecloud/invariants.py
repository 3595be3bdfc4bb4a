"""The invariant library: what must be true of any cloud, checked from its state and trace.

    >>> cloud.run_until_idle()
    >>> cloud.check_invariants()                       # every invariant
    []
    >>> cloud.check_invariants(["no_frozen_guest"])    # some, by name

Each invariant is a named function ``(cloud) -> list[Violation]`` registered in `REGISTRY`.
One that needs a service the cloud does not have (or a part of it not built yet) raises
`NotApplicable`: `check` reports it as "not applicable", never as a silent pass. Scenario files
name invariants under ``expect: {invariants: all | [names], violated: [names]}``; a bug replay
lists the invariant its bug breaks under ``violated``.

Invariants read services only through their public attributes, and the trace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from fakecloud.config import config_section
from fakecloud.humanize import secs
from fakecloud.trace_reader import events, reading


@config_section("invariants")
@dataclass(frozen=True)
class InvariantsConfig:
    """Thresholds of the invariants that take one."""

    max_frozen_s: float = 60.0
    """Longest a guest's filesystems may stay frozen (``no_long_freeze``), virtual seconds."""


@dataclass(frozen=True)
class Violation:
    """One broken invariant: which, about what (`subject`), and what is wrong."""

    invariant: str
    subject: str
    message: str
    at: float | None = None
    """The moment of the cloud's clock it broke at, which the message names as ``at t=...``
    (None: it names none; the explorer then cuts a failure's path at the end of the run)."""
    since: float | None = None
    """An earlier moment the message names as ``t=...`` (where a freeze began), or None."""
    seq: int | None = field(default=None, compare=False)
    """The sequence number of the trace event it broke at, where one did (`at` is its time):
    what else happened at that instant came before it or after it by this."""

    def __str__(self) -> str:
        return f"{self.invariant}: {self.subject}: {self.message}"

    def shown_from(self, t0: float) -> str:
        """``str(self)`` with its moments counted from `t0`: a scenario's checks count from the
        end of setup, as everything else a run, an explore report and a shrink show (steps'
        ``at:``, the timeline, ``finished_at``); the cloud's own clock counts setup too."""
        message = self.message
        if t0:
            # in the order a message names them; an earlier moment's text, moved back by t0,
            # cannot begin with a later one's
            for t in (self.since, self.at):
                if t is not None:
                    message = message.replace(_at(t), _at(t - t0), 1)
        return f"{self.invariant}: {self.subject}: {message}"


def _at(t: float) -> str:
    """``t=...``: how a violation message names the moment `t` (see `Violation.at`)."""
    return f"t={secs(t)}"


class NotApplicable(Exception):
    """The invariant cannot be checked on this cloud (the reason says why)."""


@dataclass(frozen=True)
class Invariant:
    """A registered invariant: its name, what it means, the check, the services it reads."""

    name: str
    doc: str
    check: Callable[[Any], list[Violation]]
    needs: tuple[str, ...]
    reads: tuple[str, ...] = ()
    """The trace event kinds it reads (`check` reads them for all invariants in one pass)."""


@dataclass
class Outcome:
    """The result of checking one invariant: violations, or why it could not be checked."""

    name: str
    violations: list[Violation]
    not_applicable: str | None = None

    @property
    def status(self) -> str:
        """``"ok"``, ``"violated"`` or ``"not applicable"``."""
        if self.not_applicable is not None:
            return "not applicable"
        return "violated" if self.violations else "ok"


class Violations(list):
    """A list of `Violation`s that also says which invariants could not be checked."""

    not_applicable: dict[str, str]

    def __init__(self, items: Iterable[Violation] = (), not_applicable: dict | None = None):
        super().__init__(items)
        self.not_applicable = dict(not_applicable or {})

    def __repr__(self) -> str:
        skipped = f", not applicable: {self.not_applicable}" if self.not_applicable else ""
        return f"Violations({list.__repr__(self)}{skipped})"


REGISTRY: dict[str, Invariant] = {}


def invariant(name: str, needs: tuple[str, ...] = (), reads: tuple[str, ...] = ()):
    """Register the decorated ``(cloud) -> list[Violation]`` function as invariant `name`.

    `needs` names the cloud attributes (``"nova"``, ``"cinder"``, ``"glance"``) it reads; when
    one is missing the invariant is not applicable. `reads` names the trace event kinds it
    reads through `fakecloud.trace_reader.events`.
    """

    def register(fn: Callable[[Any], list[Violation]]) -> Callable[[Any], list[Violation]]:
        doc = (fn.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        REGISTRY[name] = Invariant(name, doc, fn, needs, reads)
        return fn

    return register


def check(cloud: Any, names: Iterable[str] | None = None) -> list[Outcome]:
    """Check the named invariants (all when `names` is None), one `Outcome` each."""
    chosen = known(REGISTRY if names is None else names)
    trace = getattr(cloud, "trace", None)
    with one_pass():
        if trace is None:
            return [outcome(cloud, name, inv) for name, inv in chosen]
        with reading(trace, reads_of(name for name, _ in chosen)):
            return [outcome(cloud, name, inv) for name, inv in chosen]


#: What the invariants of one pass derived of the cloud they check (`one_pass`).
_PASS: ContextVar[dict[tuple[int, str], Any] | None] = ContextVar(
    "fakecloud_invariants_pass", default=None
)


@contextmanager
def one_pass() -> Iterator[None]:
    """Within it, the invariants checked share what several derive of a cloud (whether it is
    idle, its guests): checks only read the cloud, so it does not change within a pass, and
    the explorer checks the whole library after every seed."""
    token = _PASS.set({})
    try:
        yield
    finally:
        _PASS.reset(token)


def _shared(cloud: Any, what: str, derive: Callable[[Any], Any]) -> Any:
    """`derive(cloud)`, once a `one_pass` (every time outside one)."""
    memo = _PASS.get()
    if memo is None:
        return derive(cloud)
    key = (id(cloud), what)
    found = memo.get(key, memo)
    if found is memo:
        found = memo[key] = derive(cloud)
    return found


def known(names: Iterable[str]) -> tuple[tuple[str, Invariant], ...]:
    """(name, registered `Invariant`) of each of `names`, in order; raises KeyError (naming
    the closest known name) for one that is not registered. A caller that checks the same
    invariants again and again (each run of a scenario case) looks them up once here and
    checks each with `outcome`."""
    chosen = list(names)
    unknown = [n for n in chosen if n not in REGISTRY]
    if unknown:
        from fakecloud.suggest import did_you_mean

        raise KeyError(
            f"unknown invariant {unknown[0]!r}{did_you_mean(unknown[0], REGISTRY)}; "
            f"known: {', '.join(sorted(REGISTRY))}"
        )
    return tuple((name, REGISTRY[name]) for name in chosen)


def reads_of(names: Iterable[str]) -> set[str]:
    """The trace event kinds the named invariants read."""
    return {kind for name in names if name in REGISTRY for kind in REGISTRY[name].reads}


def outcome(cloud: Any, name: str, inv: Invariant) -> Outcome:
    """The `Outcome` of checking `inv` (registered as `name`: see `known`) on `cloud`. Its
    trace reads go through the current `reading` block, if any (`check` opens one for the
    kinds its invariants read)."""
    violations, not_applicable = judged(cloud, inv)
    return Outcome(name, violations, not_applicable)


def judged(cloud: Any, inv: Invariant) -> tuple[list[Violation], str | None]:
    """`outcome`'s violations and reason it is not applicable (None: checked), without the
    `Outcome`: for a caller that makes its own record of each (a scenario's checks)."""
    for need in inv.needs:
        if getattr(cloud, need, None) is None:
            missing = [s for s in inv.needs if getattr(cloud, s, None) is None]
            return [], f"no {', '.join(missing)} in this cloud"
    try:
        return list(inv.check(cloud)), None
    except NotApplicable as exc:
        return [], str(exc)


def check_invariants(cloud: Any, names: Iterable[str] | None = None) -> Violations:
    """All violations of the named invariants (every one when `names` is None).

    With every invariant, those that cannot be checked on this cloud are listed in
    ``.not_applicable``; an invariant named explicitly must be checkable, else `NotApplicable`
    is raised (so a test asking for it never passes without checking it). One name may be
    given as a string.
    """
    if isinstance(names, str):
        names = (names,)
    elif names is not None:
        try:
            if isinstance(names, (bytes, bytearray, memoryview)):
                raise TypeError  # iterable, but of numbers: b"" would check nothing
            names = tuple(names)
            if not all(isinstance(name, str) for name in names):
                raise TypeError
        except TypeError:
            raise TypeError(
                f"check_invariants: names: expected invariant names such as "
                f"['no_frozen_guest'], got {names!r}"
            ) from None
    outcomes = check(cloud, names)
    if names is not None:
        skipped = [f"{o.name}: {o.not_applicable}" for o in outcomes if o.not_applicable]
        if skipped:
            raise NotApplicable("cannot check " + "; ".join(skipped))
    return Violations(
        [v for o in outcomes for v in o.violations],
        {o.name: o.not_applicable for o in outcomes if o.not_applicable is not None},
    )


def _idle(cloud: Any) -> bool:
    """Whether the cloud has no work left: no process runs and no message waits in the queue
    of a stopped service. A cast queued for a stopped nova-compute is work it does when it is
    back (RabbitMQ keeps the queue: ``amqp_auto_delete`` is False), so a createImage cast to
    it is pending, not stuck; a call that expired there is no work (RabbitMQ discards it)."""
    return _shared(cloud, "idle", _idle_now)


def _idle_now(cloud: Any) -> bool:
    kernel = cloud.kernel
    return not kernel.running() and not kernel.rpc.waiting()


def _busy(cloud: Any) -> str:
    """Why an invariant checked once idle cannot be checked yet."""
    if cloud.kernel.running():
        return "the cloud is still busy (checked once idle)"
    waiting = ", ".join(cloud.kernel.rpc.waiting())
    return f"work waits in the queue of stopped {waiting} (checked once idle)"


# -- trace invariants ----------------------------------------------------------------------


@invariant("no_unexpected_500", reads=("api.error",))
def no_unexpected_500(cloud: Any) -> list[Violation]:
    """No API answered with an unexpected 500 (no ``api.error`` event in the trace).

    An ``api.error`` is an exception no handler turned into the service's own error: a
    fakecloud bug, or a place where real OpenStack also crashes (a replayed bug).
    """
    return [
        Violation(
            "no_unexpected_500",
            str(e["subject"]),
            f"{e['actor']} answered 500 at {_at(e['t'])}: {e.get('error', '?')}",
            e["t"],
            seq=e["seq"],
        )
        for e in events(cloud.trace, "api.error")
    ]


#: Nova's own deletes of finished images, by design: createBackup's rotation, and a server's
#: shelved image once its delete or unshelve no longer needs it.
_NOVA_IMAGE_DELETES = ("nova.rotate_backups", "nova.delete_shelved_image")
_IMAGE_DELETE_KINDS = (*_NOVA_IMAGE_DELETES, "api.request", "api.response", "state")
_IMAGE_DELETE = re.compile(r"^DELETE (?:/v2|/v2\.1(?:/[^/]+)?)/images/([^/]+)/?$")


def _image_api_names(cloud: Any) -> set[str]:
    """The trace actor names of Glance's API and Nova's (whose image proxy also deletes)."""
    return {
        getattr(getattr(getattr(cloud, name, None), "api", None), "name", default)
        for name, default in (("glance", "glance"), ("nova", "nova"))
    }


def _user_image_delete(users: set[str], event: dict[str, Any]) -> str | None:
    """The image id of a user's ``DELETE /v2/images/{id}`` to Glance, or of the same DELETE
    through Nova's image proxy (``/v2.1[/{project}]/images/{id}``), else None. `users` are
    the API actor names (`_image_api_names`)."""
    if event["actor"] not in users:
        return None
    found = _IMAGE_DELETE.match(str(event["subject"]))
    return found.group(1) if found else None


@invariant("no_active_snapshot_image_deleted", needs=("glance",))
def no_active_snapshot_image_deleted(cloud: Any) -> list[Violation]:
    """No active image was ever deleted except by a user's own ``DELETE /v2/images/{id}``
    (to Glance, or through Nova's ``/v2.1/images/{id}`` proxy), by ``createBackup``'s
    rotation (which deletes finished backups by design: a ``nova.rotate_backups`` event) or by
    Nova deleting a server's shelved image when the server is deleted or unshelved (a
    ``nova.delete_shelved_image`` event).

    Nova's cleanup (``delete_image_on_error``, the instance-gone branch) must only delete
    snapshot images that are not yet active; an active image is a finished snapshot a user may
    already boot from. Read from the trace: a move of an image from ``active`` to ``deleted`` or
    ``pending_delete`` with no user DELETE request of that image in flight at that moment and
    no ``nova.rotate_backups`` or ``nova.delete_shelved_image`` event naming it.
    """
    trace = cloud.trace
    # Most runs delete no active image: the trace's shapes tell (no event is read), and only
    # then are the requests read.
    if not trace.filter(kind="state", **_ACTIVE_IMAGE_GONE):
        return []
    users = _image_api_names(cloud)
    in_flight: dict[str, int] = {}
    out = []
    for e in events(trace, *_IMAGE_DELETE_KINDS):
        kind = e["kind"]
        if kind in _NOVA_IMAGE_DELETES:
            in_flight[str(e["subject"])] = 1
        elif kind in ("api.request", "api.response"):
            image_id = _user_image_delete(users, e)
            if image_id is not None:
                step = 1 if kind == "api.request" else -1
                in_flight[image_id] = in_flight.get(image_id, 0) + step
        elif _active_image_gone(e) and not in_flight.get(str(e["subject"])):
            out.append(
                Violation(
                    "no_active_snapshot_image_deleted",
                    f"image {e['subject']}",
                    f"deleted while active at {_at(e['t'])} by {e['actor']}, not by a user's "
                    "DELETE request",
                    e["t"],
                    seq=e["seq"],
                )
            )
    return out


#: A ``state`` event that moves an image from active to deleted or pending_delete.
_ACTIVE_IMAGE_GONE = {
    "machine": "glance.image.status",
    "old": "active",
    "new": ("deleted", "pending_delete"),
}


def _active_image_gone(event: dict[str, Any]) -> bool:
    """Whether a ``state`` event moves an image from active to deleted or pending_delete."""
    return (
        event.get("machine") == "glance.image.status"
        and event.get("old") == "active"
        and event.get("new") in ("deleted", "pending_delete")
    )


# -- Glance --------------------------------------------------------------------------------

_UNFINISHED_IMAGE = ("queued", "saving", "uploading", "importing")


def _images(cloud: Any) -> list[Any]:
    images = getattr(getattr(cloud.glance, "db", None), "images", None)
    if images is None:
        raise NotApplicable("cloud.glance has no db.images to read")
    return list(images.values())


def _is_snapshot_image(image: Any) -> bool:
    props = getattr(image, "extra_properties", {}) or {}
    return props.get("image_type") in ("snapshot", "backup")


def _server_busy(cloud: Any, image: Any) -> bool:
    """Whether the server the snapshot image is of still has a task under way (a createImage
    or shelve whose RPC is queued, not yet a process naming the image)."""
    props = getattr(image, "extra_properties", {}) or {}
    uuid = props.get("instance_uuid")
    db = getattr(getattr(cloud, "nova", None), "db", None)
    instances = getattr(db, "instances", None)
    if not uuid or instances is None:
        return False
    instance = instances.get(str(uuid))
    return instance is not None and getattr(instance, "task_state", None) is not None


def _in_flight(cloud: Any, ident: str) -> bool:
    """Whether simulated work still runs for `ident` (a live process or transfer names it)."""
    if any(ident in name for name in cloud.kernel.running()):
        return True
    return any(ident in t.label or ident in map(str, t.attrs.values()) for t in cloud.io.active())


@invariant("no_stuck_snapshot_image", needs=("glance",))
def no_stuck_snapshot_image(cloud: Any) -> list[Violation]:
    """No snapshot image is left ``queued`` or ``saving`` with no work in flight for it.

    A snapshot image (``image_type`` snapshot or backup) that never gets its data is a leak the
    user sees in ``openstack image list`` forever. When the cloud is idle every unfinished one
    is stuck; while work still runs, only those no process or transfer is working on.
    """
    idle = _idle(cloud)
    out = []
    for image in _images(cloud):
        if image.status not in _UNFINISHED_IMAGE or not _is_snapshot_image(image):
            continue
        if not idle and (_in_flight(cloud, image.id) or _server_busy(cloud, image)):
            continue
        out.append(
            Violation(
                "no_stuck_snapshot_image",
                f"image {image.id}",
                f"snapshot image {image.name!r} is {image.status} with no work in flight",
            )
        )
    return out


# -- Cinder --------------------------------------------------------------------------------

NOVA_SNAPSHOT_PREFIX = "snapshot for "


def _mapped_snapshot_ids(image: Any) -> list[str]:
    """The Cinder snapshot ids an image's ``block_device_mapping`` property names (a
    volume-backed snapshot image's; Glance keeps it as JSON text)."""
    mapping = (image.extra_properties or {}).get("block_device_mapping")
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping)
        except ValueError:
            mapping = None
    if not isinstance(mapping, list):
        return []
    return [
        str(entry["snapshot_id"])
        for entry in mapping
        if isinstance(entry, dict) and entry.get("snapshot_id")
    ]


def _referenced_snapshot_ids(cloud: Any) -> set[str]:
    """Cinder snapshot ids named by a live image's block device mapping or an instance
    snapshot (the vendor branch)."""
    ids: set[str] = set()
    glance = getattr(cloud, "glance", None)
    if glance is not None:
        for image in _images(cloud):
            if getattr(image, "deleted", False) or image.status in ("killed", "deleted"):
                continue
            ids.update(_mapped_snapshot_ids(image))
    nova = getattr(cloud, "nova", None)
    for snap in getattr(nova, "instance_snapshots", lambda: [])() if nova is not None else ():
        ids.update(str(s) for s in getattr(snap, "volume_snapshot_ids", ()) or ())
    return ids


@invariant("no_orphan_volume_snapshot", needs=("cinder", "glance"))
def no_orphan_volume_snapshot(cloud: Any) -> list[Violation]:
    """Every Cinder snapshot Nova made for a server snapshot is referenced by an image (or an
    instance snapshot).

    Nova names them ``snapshot for <image name>``. One that no live image's
    ``block_device_mapping`` points at is an orphan: a failed volume-backed createImage left it
    behind (LP #1731986, the quota race), and it holds the user's snapshot quota forever.
    Checked once the cloud is idle.
    """
    if not _idle(cloud):
        raise NotApplicable(_busy(cloud))
    made = [
        snap
        for snap in cloud.cinder.store.snapshots.values()
        if (snap.display_name or "").startswith(NOVA_SNAPSHOT_PREFIX)
    ]
    if not made:  # the references are read only when there is something to look up
        _images(cloud)  # (still not applicable without Glance's images)
        return []
    referenced = _referenced_snapshot_ids(cloud)
    out = []
    for snap in made:
        if snap.id in referenced:
            continue
        name = snap.display_name
        out.append(
            Violation(
                "no_orphan_volume_snapshot",
                f"volume snapshot {snap.id}",
                f"{name!r} of volume {snap.volume_id} ({snap.status}) is referenced by no image",
            )
        )
    return out


@invariant("no_active_image_of_error_snapshot", needs=("cinder", "glance"))
def no_active_image_of_error_snapshot(cloud: Any) -> list[Violation]:
    """No active image maps a Cinder snapshot in ``error``.

    A volume-backed createImage makes its image active at once, without waiting for the
    Cinder snapshots its ``block_device_mapping`` names (nova-api's ``snapshot_volume_backed``:
    "Should we wait for snapshot creation?", nova 17.0.13-34.0.0); a snapshot that then ends in
    ``error`` (the backend failed it, or cinder-volume's restart cleaned it up: LP #1310526)
    leaves an image the user sees active and every boot from it fails (Cinder refuses a
    volume from a snapshot not ``available``: the server goes to ERROR). Checked at any time:
    Cinder never moves a snapshot out of ``error`` by itself.
    """
    snapshots = cloud.cinder.store.snapshots
    for snap in snapshots.values():  # a loop, no comprehension: most runs have none in error
        if snap.status == "error":
            break
    else:  # the images are read only when a snapshot failed
        _images(cloud)  # (still not applicable without Glance's images)
        return []
    failed = {snap.id: snap for snap in snapshots.values() if snap.status == "error"}
    out = []
    for image in _images(cloud):
        if image.status != "active" or getattr(image, "deleted", False):
            continue
        for snapshot_id in _mapped_snapshot_ids(image):
            snap = failed.get(snapshot_id)
            if snap is not None:
                out.append(
                    Violation(
                        "no_active_image_of_error_snapshot",
                        f"image {image.id}",
                        f"image {image.name!r} is active and maps volume snapshot "
                        f"{snap.id} of volume {snap.volume_id}, which is in error: every "
                        "boot from it fails",
                    )
                )
    return out


#: (in use, reserved) of a resource nothing uses nor holds.
_NOTHING_USED = frozenset({(0, 0)})


def _project_order(project: str | None) -> tuple[bool, str]:
    """Projects in order, the owner of what a system-scoped token made (None) last."""
    return project is None, project or ""


@invariant("quota_usage_matches", needs=("cinder",))
def quota_usage_matches(cloud: Any) -> list[Violation]:
    """Cinder's quota usage equals what exists, and nothing stays reserved, once idle.

    For each project (Keystone's, any a live resource belongs to, and any that still has usage
    records, such as one whose last volume left its quota behind): ``volumes``, ``snapshots``
    and ``gigabytes`` in use (and their per-type copies) equal the count and size of its live
    volumes and snapshots that consume quota (snapshot gigabytes unless
    ``no_snapshot_gb_quota``), ``backups`` and ``backup_gigabytes`` those of its backups,
    ``groups`` its generic volume groups; reservations are all settled.
    """
    if not _idle(cloud):
        raise NotApplicable(_busy(cloud))
    cinder = cloud.cinder
    expected: dict[str, dict[str, int]] = {}

    def add(project: str, resource: str, type_name: str | None, n: int) -> None:
        counts = expected.setdefault(project, {})
        counts[resource] = counts.get(resource, 0) + n
        if type_name:
            counts[f"{resource}_{type_name}"] = counts.get(f"{resource}_{type_name}", 0) + n

    for vol in cinder.store.volumes.values():
        if vol.use_quota:
            add(vol.project_id, "volumes", vol.volume_type.name, 1)
            add(vol.project_id, "gigabytes", vol.volume_type.name, vol.size)
    snapshot_gb = not cinder.config.no_snapshot_gb_quota
    for snap in cinder.store.snapshots.values():
        if snap.use_quota:
            add(snap.project_id, "snapshots", snap.volume_type.name, 1)
            if snapshot_gb:
                add(snap.project_id, "gigabytes", snap.volume_type.name, snap.volume_size)
    for backup in cinder.store.backup_rows().values():
        add(backup.project_id, "backups", None, 1)
        add(backup.project_id, "backup_gigabytes", None, backup.size or 0)
    tables = getattr(cinder.store, "groups", None)
    for group in tables.groups.values() if tables is not None else ():
        add(group.project_id, "groups", None, 1)
    quotas = cinder.quotas
    # a project whose last volume is gone may still hold usage (a leak): its records count
    projects = set(expected) | set(quotas.recorded_projects())
    keystone = getattr(cloud, "keystone", None)
    if keystone is not None:
        projects |= set(keystone.directory.projects)
    out = []
    # a system-scoped token's volumes belong to no project (Cinder takes the context's None)
    for project in sorted(projects, key=_project_order):
        want = expected.get(project, {})
        if not want and quotas.recorded(project) is None:  # nothing exists, nothing held
            continue
        usage = quotas.in_use(project)
        if not want and set(usage.values()) <= _NOTHING_USED:  # one C pass: all zero
            continue
        for resource, (in_use, reserved) in usage.items():
            exists = want.get(resource, 0)
            # the usual answer first: all settled (the resource's name is read only if not)
            if in_use == exists and not reserved:
                continue
            if resource.startswith(("volumes", "snapshots", "gigabytes", "backup", "groups")):
                out.append(
                    Violation(
                        "quota_usage_matches",
                        f"project {project} {resource}",
                        f"in use {in_use} (reserved {reserved}), but {exists} exist",
                    )
                )
    return out


# -- Nova ----------------------------------------------------------------------------------


def _instances(cloud: Any) -> list[Any]:
    rows = getattr(getattr(cloud.nova, "db", None), "instances", None)
    if rows is None:
        raise NotApplicable("cloud.nova has no db.instances to read")
    return [row for row in rows.values() if not getattr(row, "deleted", False)]


def _guests(cloud: Any) -> list[tuple[str, Any]]:
    """(host, domain) of every guest on every compute host (``nova.hosts[h].driver``), shared
    by a pass's invariants (read them, do not change the list)."""
    return _shared(cloud, "guests", _guests_now)


def _guests_now(cloud: Any) -> list[tuple[str, Any]]:
    hosts = getattr(cloud.nova, "hosts", None)
    if hosts is None:
        raise NotApplicable("cloud.nova does not expose its compute hosts (nova.hosts)")
    out = []
    for host, manager in sorted(hosts.items()):
        driver = getattr(manager, "driver", None)
        for dom in getattr(driver, "domains", {}).values():
            out.append((host, dom))
    return out


def _any_records(guests: list[tuple[str, Any]], attribute: str) -> bool:
    """Whether any of `guests` (`_guests`) has `attribute`. A loop, not ``any()`` over a
    generator: that one stops at the first guest and is closed with a GeneratorExit raised
    inside it, twice per explored seed."""
    for _, dom in guests:  # noqa: SIM110 - see the docstring
        if hasattr(dom, attribute):
            return True
    return False


@invariant("task_state_cleared", needs=("nova",))
def task_state_cleared(cloud: Any) -> list[Violation]:
    """Every server's task_state is back to none once the cloud is idle.

    A task_state left set (``image_uploading`` after a compute died mid-snapshot, D3) blocks
    every later action on the server with a 409 until an operator resets it.
    """
    if not _idle(cloud):
        raise NotApplicable(_busy(cloud))
    return [
        Violation(
            "task_state_cleared",
            f"server {inst.uuid}",
            f"task_state is {inst.task_state!r} (vm_state {inst.vm_state!r}) with no work left",
        )
        for inst in _instances(cloud)
        if inst.task_state is not None
    ]


@invariant("no_frozen_guest", needs=("nova",))
def no_frozen_guest(cloud: Any) -> list[Violation]:
    """No guest's filesystems are left frozen (quiesced) once the cloud is idle.

    A frozen guest blocks every write inside the server: the bad end state of LP #1731986 and
    LP #1754360, where a failure between quiesce and unquiesce skipped the thaw.
    """
    if not _idle(cloud):
        raise NotApplicable(_busy(cloud))
    guests = _guests(cloud)
    if guests and not _any_records(guests, "frozen"):
        raise NotApplicable("nova's guests do not record a freeze state (Domain.frozen)")
    return [
        Violation(
            "no_frozen_guest",
            f"server {dom.uuid}",
            f"guest {dom.name} on {host} is still frozen",
        )
        for host, dom in guests
        if getattr(dom, "frozen", False)
    ]


@invariant("no_long_freeze", needs=("nova",))
def no_long_freeze(cloud: Any) -> list[Violation]:
    """No guest stays frozen longer than ``invariants.max_frozen_s`` (default 60 s), checked
    at any time: a guest still frozen counts from its freeze to now.

    Unlike `no_frozen_guest`, this flags a guest kept frozen while the cloud is still busy,
    e.g. by a Cinder snapshot stuck in ``creating`` that the thaw keeps polling forever.
    """
    guests = _guests(cloud)
    if guests and not _any_records(guests, "frozen_intervals"):
        raise NotApplicable("nova's guests do not record frozen intervals")
    limit = cloud.config.invariants.max_frozen_s
    now = cloud.now
    out = []
    for host, dom in guests:
        for start, end in getattr(dom, "frozen_intervals", ()):
            lasted = (now if end is None else end) - start
            if lasted > limit:
                still = " and still is" if end is None else ""
                out.append(
                    Violation(
                        "no_long_freeze",
                        f"server {dom.uuid}",
                        f"guest {dom.name} on {host} was frozen for {secs(lasted)} s from "
                        f"{_at(start)}{still} (limit {limit:g} s, passed at {_at(start + limit)})",
                        at=start + limit,
                        since=start,
                    )
                )
    return out


@invariant("no_freeze_across_restart", needs=("nova",))
def no_freeze_across_restart(cloud: Any) -> list[Violation]:
    """No guest stays frozen, once the cloud is idle, by a freeze sent to it before its last
    restart.

    A restart (a reboot, a stop and start, a crash, a rescue: the guest's OS going down) thaws
    the guest and fails a freeze in flight; a freeze Nova sent that waited for the agent job
    reaches the restarted guest and freezes it, and what thaws it is the same createImage's
    unquiesce, if any (with LP #1731986 none: `races/freeze_queued_across_reboot.yaml`).
    """
    if not _idle(cloud):
        raise NotApplicable(_busy(cloud))
    guests = _guests(cloud)
    if guests and not _any_records(guests, "frozen_restarts"):
        raise NotApplicable("nova's guests do not record the restarts a freeze crossed")
    out = []
    for host, dom in guests:
        if getattr(dom, "frozen", False) and dom.frozen_restarts:
            freezes = cloud.trace.filter(kind="guest.freeze", subject=dom.id)
            sent = freezes[-1]["requested_at"] if freezes else None
            when = "" if sent is None else f" at {_at(sent)}"
            restarts = dom.frozen_restarts
            out.append(
                Violation(
                    "no_freeze_across_restart",
                    f"server {dom.uuid}",
                    f"guest {dom.name} on {host} is frozen by a freeze sent{when}, before its "
                    f"last restart ({restarts} since)",
                    since=sent,
                )
            )
    return out


@invariant("nova_usage_matches", needs=("nova",))
def nova_usage_matches(cloud: Any) -> list[Violation]:
    """Nova's counted usage of each project (instances, cores, RAM: what ``/limits`` and the
    quota checks read) equals what its live servers hold, at any time; a soft-deleted server
    holds nothing (``_get_counts_in_db`` skips vm_state ``soft-delete``).

    Nova counts these from its rows on every request (no usage table since Pike); fakecloud
    keeps running totals, which must never drift from the rows.
    """
    db = getattr(cloud.nova, "db", None)
    if db is None or not hasattr(db, "project_usage"):
        raise NotApplicable("cloud.nova has no db.project_usage to read")
    expected: dict[str, list[int]] = {}
    for row in db.instances.values():
        if row.deleted or row.vm_state == "soft-delete":
            continue
        counts = expected.setdefault(row.project_id, [0, 0, 0])
        counts[0] += 1
        counts[1] += row.flavor.vcpus
        counts[2] += row.flavor.memory_mb
    projects = set(expected) | {row.project_id for row in db.instances.values()}
    out = []
    for project in sorted(projects, key=_project_order):
        want = tuple(expected.get(project, (0, 0, 0)))
        have = db.project_usage(project)
        if have != want:
            out.append(
                Violation(
                    "nova_usage_matches",
                    f"project {project}",
                    f"usage (instances, cores, ram) {have}, but its live servers hold {want}",
                )
            )
    return out


@invariant("server_holds_allocation", needs=("nova",))
def server_holds_allocation(cloud: Any) -> list[Violation]:
    """A live server on a host holds its placement allocation there, at any time.

    A rebuild that fails on its own host removes it from Nova 19.0.0 on (switch
    ``failed_rebuild_drops_allocation``, never fixed upstream): placement then counts the
    server nowhere (its project's unified-limits usage, its host's capacity), while the host's
    resource tracker and ``/os-hypervisors`` still count it.
    """
    db = getattr(cloud.nova, "db", None)
    if db is None or not hasattr(db, "allocation_was_dropped"):
        raise NotApplicable("cloud.nova has no db.allocation_was_dropped to read")
    dropped = db.allocation_dropped
    if not dropped:
        return []
    rows = db.instances
    return [
        Violation(
            "server_holds_allocation",
            f"server {uuid}",
            f"on {host} ({rows[uuid].vm_state}), but placement holds no allocation of it",
        )
        for uuid, host in dropped.items()
    ]


@invariant("provider_within_capacity", needs=("nova",))
def provider_within_capacity(cloud: Any) -> list[Violation]:
    """No compute host holds more than placement's capacity of it, at any time.

    Each host's servers (claimed there or scheduled to it) and the moves in progress use
    ``VCPU``, ``MEMORY_MB`` and ``DISK_GB`` within ``(total - reserved) * allocation_ratio``
    (`fakecloud.nova.inventories`). The scheduler asks placement, so this breaks only where
    placement's books lost a server its host still holds (a failed rebuild's dropped
    allocation, ``server_holds_allocation``) and let others in on top.
    """
    from fakecloud.nova import inventories

    nova = cloud.nova
    db = getattr(nova, "db", None)
    if db is None or not hasattr(db, "placement_use"):
        raise NotApplicable("cloud.nova has no db.placement_use to read")
    return [
        Violation("provider_within_capacity", f"host {host}", f"uses {', '.join(over)}")
        for host in nova.hosts
        if (over := inventories.over_capacity(nova, host))
    ]


@invariant("address_held_by_one_live_server", needs=("nova",))
def address_held_by_one_live_server(cloud: Any) -> list[Violation]:
    """A fixed address on the ``public`` network is held by one live server only, and a deleted
    server holds none (Nova deallocates its network when it deletes it), at any time."""
    db = getattr(cloud.nova, "db", None)
    if db is None or not hasattr(db, "network_number"):
        raise NotApplicable("cloud.nova has no db.network_number to read")
    out = []
    holders: dict[int, str] = {}
    for row in db.instances.values():
        number = db.network_number(row.uuid)
        if not number:
            continue
        if row.deleted:
            out.append(
                Violation(
                    "address_held_by_one_live_server",
                    f"server {row.uuid}",
                    f"deleted, but still holds address number {number}",
                )
            )
        elif number in holders:
            out.append(
                Violation(
                    "address_held_by_one_live_server",
                    f"server {row.uuid}",
                    f"holds address number {number}, as server {holders[number]} does",
                )
            )
        else:
            holders[number] = row.uuid
    return out


#: Where a server that is not deleted has no placement to judge a group's policy by.
_UNPLACED = ("error", "shelved_offloaded")


@invariant("server_group_policy_holds", needs=("nova",))
def server_group_policy_holds(cloud: Any) -> list[Violation]:
    """The live, placed members of an ``affinity`` server group share one host; those of an
    ``anti-affinity`` group are at most ``max_server_per_host`` (1 unless the 2.64 rule says
    otherwise) a host, at any time. The soft policies promise nothing.

    The scheduler keeps it for the members already claimed; the compute checks it again
    once the host is claimed (``_validate_instance_group_policy``, session 17): a boot that
    raced another past the scheduler is rescheduled to an alternate or ends in ERROR, as does
    an admin's forced host past the group (``availability_zone: "zone:host"``). A violation
    here is a hole in that check.
    """
    groups = getattr(cloud.nova, "server_groups", None)
    if not groups:
        return []
    rows = cloud.nova.db.instances
    out = []
    for group in groups.values():
        if group.policy not in ("affinity", "anti-affinity"):
            continue
        hosts: dict[str, int] = {}
        for uuid in group.members:
            row = rows.get(uuid)
            if row is None or row.deleted or row.host is None or row.vm_state in _UNPLACED:
                continue
            hosts[row.host] = hosts.get(row.host, 0) + 1
        if group.policy == "affinity" and len(hosts) > 1:
            out.append(
                Violation(
                    "server_group_policy_holds",
                    f"server group {group.uuid}",
                    f"affinity, but its members are on {len(hosts)} hosts: {sorted(hosts)}",
                )
            )
        elif group.policy == "anti-affinity":
            limit = group.rules.get("max_server_per_host", 1)
            crowded = sorted(h for h, n in hosts.items() if n > limit)
            if crowded:
                out.append(
                    Violation(
                        "server_group_policy_holds",
                        f"server group {group.uuid}",
                        f"anti-affinity (at most {limit} a host), but {crowded} hold more",
                    )
                )
    return out


#: Where a server is once each kind of ended move leaves it.
_LEFT_ON = {"confirmed": "dest_compute", "reverted": "source_compute"}
#: Instance actions that place a server again without a migration record.
_PLACED_AGAIN = frozenset(("unshelve", "evacuate"))


@invariant("server_moves_settled", needs=("nova",))
def server_moves_settled(cloud: Any) -> list[Violation]:
    """A live server at rest (no task, not ``resized`` awaiting its confirm or revert) is on
    the host its last confirmed or reverted move left it on (a confirm's destination, a
    revert's source), at any time: the resource trackers count it there only.

    A move that failed, or that a compute restart rolled back, leaves the server where it was;
    its record may stay ``pre-migrating`` or ``migrating`` as Nova leaves it (``_init_instance``)
    and is not counted anywhere once the server is at rest (``_instance_in_resize_state``). An
    unshelve since the move places the server anew (no migration record): not checked.
    """
    migrations = getattr(cloud.nova.db, "migrations", None)
    if not migrations:
        return []
    rows = cloud.nova.db.instances
    last: dict[str, Any] = {}
    for migration in migrations.values():
        if migration.status in _LEFT_ON:
            last[migration.instance_uuid] = migration
    out = []
    for uuid, migration in last.items():
        row = rows.get(uuid)
        if row is None or row.deleted or row.task_state is not None or row.vm_state == "resized":
            continue
        since = migration.updated_at or migration.created_at
        actions = cloud.nova.db.actions.get(uuid, ())
        if any(a.action in _PLACED_AGAIN and a.start_time >= since for a in actions):
            continue
        host = getattr(migration, _LEFT_ON[migration.status])
        if row.host != host:
            out.append(
                Violation(
                    "server_moves_settled",
                    f"server {uuid}",
                    f"on {row.host}, but its last move ({migration.status}) left it on {host}",
                )
            )
    return out


#: Evacuation statuses before the source's restart has destroyed the old guest (``done``: the
#: destination's rebuild ended; ``completed`` comes with ``_destroy_evacuated_instances``).
_EVACUATION_PENDING = frozenset(("accepted", "pre-migrating", "done"))


@invariant("guest_on_its_host", needs=("nova",))
def guest_on_its_host(cloud: Any) -> list[Violation]:
    """Once idle, a live server's guest runs only on the host the server is on: a finished live
    migration left none on its source, a confirmed or reverted move none on the other host,
    and an evacuated server's dead host destroyed its old guest at its restart
    (``_destroy_evacuated_instances``; until then the evacuation is ``done``, not
    ``completed``, and the old guest is allowed there).

    Not judged: a server with a task or ``resized`` (a move holds a guest on both hosts until
    its confirm or revert), in ERROR (a failed move leaves its guests where Nova leaves them),
    or deleted (a server deleted while its host was down keeps its guest there, as Nova's).
    """
    if not _idle(cloud):
        raise NotApplicable(_busy(cloud))
    guests = _guests(cloud)
    if not guests:
        return []
    rows = cloud.nova.db.instances
    pending: set[tuple[str, str]] = set()
    for migration in (getattr(cloud.nova.db, "migrations", None) or {}).values():
        if migration.migration_type == "evacuation" and migration.status in _EVACUATION_PENDING:
            pending.add((migration.instance_uuid, migration.source_compute))
    out = []
    for host, dom in guests:
        row = rows.get(dom.uuid)
        if row is None or row.deleted or row.host == host:
            continue
        if row.task_state is not None or row.vm_state in ("resized", "error"):
            continue
        if (dom.uuid, host) in pending:
            continue
        out.append(
            Violation(
                "guest_on_its_host",
                f"server {dom.uuid}",
                f"a guest on {host}, but the server is on {row.host} ({row.vm_state})",
            )
        )
    return out


#: The compute events of a delete: the host that handled them destroyed the guest (a local
#: delete, the compute service down, has none and leaves the guest for Nova's
#: ``_cleanup_running_deleted_instances``, which fakecloud does not model).
_COMPUTE_DELETES = frozenset(("compute_terminate_instance", "compute_soft_delete_instance"))


def _deleted_on(cloud: Any, uuid: str) -> str | None:
    """The host whose compute handled the last delete of server `uuid` (None: a local one)."""
    last = None
    for action in cloud.nova.db.actions.get(uuid, ()):
        if action.action == "delete":  # a forceDelete's too (compute API ``_delete``)
            last = action
    if last is None:
        return None
    for event in last.events:
        if event.event in _COMPUTE_DELETES:
            return event.host
    return None


@invariant("no_guest_of_deleted_server", needs=("nova",))
def no_guest_of_deleted_server(cloud: Any) -> list[Violation]:
    """Once idle, a server its compute host deleted (a terminate, or a soft delete reclaimed or
    forced) has no guest left on that host and no rescued server's own guest kept for an
    unrescue: ``_delete_instance`` -> ``_shutdown_instance`` -> libvirt ``destroy`` destroys
    the domain by name (a rescue guest shares it) and ``cleanup`` deletes the instance
    directory with ``unrescue.xml`` (nova 17.0.13-34.0.0).

    Not judged: a local delete (compute down: Nova leaves the guest for its periodic
    ``_cleanup_running_deleted_instances``), or a guest on another host than the one that
    handled the delete (an evacuated server's dead source, cleaned at its restart).
    """
    if not _idle(cloud):
        raise NotApplicable(_busy(cloud))
    rows = cloud.nova.db.instances
    out = []
    for host, manager in sorted(cloud.nova.hosts.items()):
        driver = manager.driver
        kept = driver.rescued or {}
        for uuid in dict.fromkeys((*driver.domains, *kept)):
            row = rows.get(uuid)
            if row is None or not row.deleted or _deleted_on(cloud, uuid) != host:
                continue
            what = "a rescued server's own guest" if uuid in kept else "a guest"
            out.append(
                Violation(
                    "no_guest_of_deleted_server",
                    f"server {uuid}",
                    f"{what} left on {host}, which deleted the server",
                )
            )
    return out
