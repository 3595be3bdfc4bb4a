"""Who did what: the actor (a lane of the timeline, a participant of the sequence) of an event.

Lanes are the processes a real deployment runs, in the order a request crosses them:

    client · keystone · nova-api · nova-conductor · nova-compute <host> · guest <server> ·
    cinder-api · cinder-scheduler · cinder-volume <backend> · glance-api · glance store · …

The trace names actors its own way (``nova`` for the API service, ``compute.cmp-1`` as an RPC
target, ``libvirt:cmp-1`` for the driver, ``cinder-volume.cinder@lvmdriver-1``); `lane_of`
maps each to its lane. RPC messages do not record their sender: `rpc_sender` says who sends
each message in the flows fakecloud models (the API, the conductor, the Cinder scheduler).
I/O resources belong to the lane of the machine they are on (`lane_of_resource`).
"""

from __future__ import annotations

from typing import Any

CLIENT = "client"
GLANCE_STORE = "glance-store"

#: The public API services by the name `api.*` events give them.
_API_LANES = {
    "nova": "nova-api",
    "cinder": "cinder-api",
    "glance": "glance-api",
    "keystone": "keystone",
}

#: Lane order: (prefix, rank); a lane sorts by its rank, then by name.
_ORDER = (
    (CLIENT, 0),
    ("scenario", 0),
    ("keystone", 1),
    ("nova-api", 2),
    ("nova-conductor", 3),
    ("nova-compute:", 4),
    ("guest:", 4),
    ("cinder-api", 6),
    ("cinder-scheduler", 7),
    ("cinder-volume:", 8),
    ("cinder-backup", 8),
    ("glance-api", 9),
    (GLANCE_STORE, 10),
    ("io:", 11),
)


def rank(lane: str) -> tuple:
    """Sort key of a lane: its place in a request's path, then its host and name."""
    for prefix, r in _ORDER:
        if lane == prefix or lane.startswith(prefix):
            if lane.startswith("guest:"):
                return (r, lane_host(lane), 1, lane)
            if lane.startswith("nova-compute:"):
                return (r, lane_host(lane), 0, lane)
            return (r, "", 0, lane)
    return (12, "", 0, lane)


def lane_host(lane: str) -> str:
    """The compute host of a ``nova-compute:<host>`` or ``guest:<host>:<server>`` lane."""
    return lane.split(":")[1] if ":" in lane else ""


def label(lane: str, names: Any = None) -> str:
    """How a lane is titled: ``nova-compute cmp-1``, ``guest of db``, ``cinder-volume lvm``."""
    if lane.startswith("guest:"):
        server = lane.split(":", 2)[2]
        return f"guest {names.get(server) if names is not None else server}"
    if lane.startswith(("nova-compute:", "cinder-volume:")):
        return lane.replace(":", " ", 1)
    if lane.startswith("io:"):
        return lane[3:]
    if lane == GLANCE_STORE:
        return "glance store"
    return lane


def of_actor(actor: Any) -> str:
    """The lane of an event's actor as the trace names it."""
    a = str(actor or "")
    if a in _API_LANES:
        return _API_LANES[a]
    if a.startswith("compute."):
        return "nova-compute:" + a[len("compute.") :]
    if a.startswith("libvirt:"):
        return "nova-compute:" + a[len("libvirt:") :]
    if a.startswith(("nova-compute:", "cinder-volume:")):
        return a
    if a.startswith("cinder-volume"):
        return "cinder-volume:" + a.rpartition("@")[2]
    if a.startswith("cinder-backup"):
        return "cinder-backup"
    if a.startswith("nova-api"):
        return "nova-api"
    if a.startswith("cmp-") or a == "nova-compute":
        return "nova-compute:" + a
    if a == "glance":
        return "glance-api"
    return a or "?"


def guest_lane(host: str, server: str) -> str:
    """The lane of the guest OS of `server` on `host`."""
    return f"guest:{host}:{server}"


def lane_of_resource(name: str) -> str:
    """The lane of an I/O resource: a host's disk or link is that host's nova-compute."""
    if name.startswith("disk:"):
        return "nova-compute:" + name[len("disk:") :]
    if name.startswith("link:"):
        return "nova-compute:" + name[len("link:") :].split("->")[0]
    if name.startswith("glance."):
        return GLANCE_STORE
    if name.startswith("cinder-backend:"):
        return "cinder-volume:" + name[len("cinder-backend:") :]
    return "io:" + name


def rpc_sender(target: str, method: str) -> str:
    """Who sends RPC `method` to `target` in the flows fakecloud models."""
    if target.startswith("compute."):
        return "nova-conductor" if method == "build_and_run_instance" else "nova-api"
    if target == "cinder-scheduler":
        return "cinder-api"
    if target.startswith("cinder-volume"):
        if method == "get_backup_device":
            return "cinder-backup"
        return (
            "cinder-scheduler" if method in ("create_volume", "create_snapshot") else "cinder-api"
        )
    if target.startswith("cinder-backup"):
        # create_backup: the scheduler's from Cinder 16 (the API's before), continue_backup
        # the volume's backend
        if method == "continue_backup":
            return "cinder-volume"
        return "cinder-scheduler" if method == "create_backup" else "cinder-api"
    return "?"


def of_fault(point: str, attrs: dict[str, Any]) -> str:
    """The lane where a fault at `point` takes effect."""
    if point.startswith("volume_api."):
        return "cinder-api"
    if point.startswith("image_api."):
        return "glance-api"
    if point == "cinder.scheduler":
        return "cinder-scheduler"
    if point.startswith("cinder.backup."):
        return "cinder-backup"
    if point.startswith("cinder."):
        backend = attrs.get("backend")
        return f"cinder-volume:{backend}" if backend else "cinder-api"
    if point.startswith(("glance.store", "glance.upload")):
        return GLANCE_STORE
    if point.startswith("glance."):
        return "glance-api"
    if point.startswith("rpc."):
        return of_actor(attrs.get("target", "rpc"))
    if point == "io.transfer":
        resources = attrs.get("resource") or []
        if isinstance(resources, str):
            resources = [resources]
        return lane_of_resource(resources[0]) if resources else "io:?"
    if point.startswith("nova."):
        host = attrs.get("host")
        return f"nova-compute:{host}" if host else "nova-api"
    return "nova-api"
