"""The registry of fault points: every named place where fakecloud's services consult the fault
plan, what a rule there can match on, and what usually goes wrong there.

    fakecloud list points        # this table, for people
    cloud.faults.points          # the same, for code (declared when a cloud is built)

A rule for a point nobody consults would never fire, so `FaultPlan.add` refuses an unknown point,
or an attribute the point does not have, with the closest real name. Two families are made from
Nova's internal clients: ``image_api.<method>`` for each method of Nova's image API (its
glanceclient calls) and ``volume_api.<method>`` for each call of Nova's volume API
(cinderclient). At those points, and where Glance takes an upload, an error may also be named
by its HTTP status (``error: 503``): the client exception that status gives there.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from fakecloud.api.reasons import phrase
from fakecloud.sim.faults import RPC_POINTS, FaultPoint

#: The points, in the order `fakecloud list points` shows them (families appended below).
_FIXED: tuple[FaultPoint, ...] = (
    FaultPoint(
        "io.transfer",
        "A transfer of bytes over links and disks starts (or, for a rule with at:, runs): an "
        "upload to Glance, a disk extract, a volume copy. Matches the transfer's own attributes "
        "too (host, instance_uuid, image_id, volume_id, ...).",
        ("label", "resource", "host", "instance_uuid", "image_id", "volume_id", "snapshot_id"),
        open_attrs=True,
        usual=("partway",),
    ),
    FaultPoint(
        "rpc.cast",
        "A one-way RPC message is sent (drop: it is lost; delay: it arrives later).",
        ("target", "method", "instance"),
        usual=("drop",),
    ),
    FaultPoint(
        "rpc.queue",
        "An RPC message must wait in the queue of a stopped service (drop: the queue is gone, "
        "as with amqp_auto_delete, and the message is lost).",
        ("target", "method", "instance"),
        usual=("drop",),
    ),
    FaultPoint(
        "rpc.call",
        "An RPC call is sent (drop: no reply, the caller times out; raise: the remote raises).",
        ("target", "method", "instance"),
        usual=("drop",),
    ),
    FaultPoint(
        "cinder.scheduler",
        "cinder-scheduler places a volume or a snapshot on a backend.",
        ("op", "volume_id", "snapshot_id", "size"),
        usual=("NoValidBackend",),
    ),
    FaultPoint(
        "cinder.volume.create",
        "cinder-volume creates a volume (rescheduled: placed again up to "
        "cinder.scheduler_max_attempts times, then the volume ends in error).",
        ("volume_id", "project_id", "size", "backend", "source"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "cinder.volume.delete",
        "cinder-volume deletes a volume (the volume ends in error_deleting).",
        ("volume_id", "project_id", "size", "backend"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "cinder.snapshot.create",
        "cinder-volume makes a snapshot (raise: it ends in error; stall: it stays creating "
        "until released).",
        ("snapshot_id", "volume_id", "project_id", "size", "backend"),
        usual=("CinderBackendError", "stall"),
    ),
    FaultPoint(
        "cinder.snapshot.delete",
        "cinder-volume deletes a snapshot (it ends in error_deleting).",
        ("snapshot_id", "volume_id", "project_id", "size", "backend"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "cinder.volume.upload",
        "cinder-volume uploads a volume to an image (os-volume_upload_image; the image is "
        "deleted and the volume goes back to available or in-use).",
        ("volume_id", "image_id", "size", "backend"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "cinder.backup.create",
        "cinder-backup copies a volume to the backup store, consulted half-way through the copy "
        "(the backup ends in error, the volume goes back to its status).",
        ("backup_id", "volume_id", "project_id", "size", "backend", "incremental"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "cinder.backup.restore",
        "cinder-backup restores a backup into a volume, half-way through the copy (the volume "
        "ends in error_restoring, the backup available).",
        ("backup_id", "volume_id", "size", "backend"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "cinder.backup.delete",
        "cinder-backup deletes a backup's objects (the backup ends in error).",
        ("backup_id", "project_id", "size"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "cinder.driver",
        "A Cinder backend driver operation (op: create_volume, create_snapshot, "
        "create_volume_from_snapshot, copy_image_to_volume, copy_volume_to_image, "
        "extend_volume, delete_volume, unmanage, ...).",
        ("op", "backend", "driver", "volume_id", "snapshot_id", "size"),
        usual=("CinderBackendError",),
    ),
    FaultPoint(
        "glance.upload",
        "Glance takes an image upload (PUT /v2/images/{id}/file, or Nova's upload).",
        ("image_id", "owner", "size", "link"),
        usual=("GlanceStoreTimeout",),
        http="glance",
    ),
    FaultPoint(
        "glance.store.write",
        "Glance's store writes an image's data.",
        ("image_id", "owner", "size", "store", "link"),
        usual=("GlanceStorageFull", "GlanceStoreTimeout"),
    ),
    FaultPoint(
        "glance.store.delete",
        "Glance's store deletes an image's data.",
        ("image_id", "owner"),
        usual=("GlanceInUseByStore",),
    ),
    FaultPoint(
        "glance.import",
        "Glance imports an image (POST /v2/images/{id}/import).",
        ("image_id", "method"),
        usual=("GlanceStoreTimeout",),
    ),
    FaultPoint(
        "nova.libvirt.spawn",
        "The libvirt driver creates and boots a server's guest (build, rebuild, unshelve); a "
        "build's failure is rescheduled to an alternate host.",
        ("host", "instance_uuid"),
        usual=("LibvirtError",),
    ),
    FaultPoint(
        "nova.volume_snapshot.create",
        "The libvirt driver moves a guest onto the new qcow2 file of a Cinder NFS snapshot "
        "(Nova's assisted snapshot): an error is Cinder's snapshot in error; a stall never "
        "answers, and Cinder gives up after 600 s.",
        ("host", "instance_uuid", "volume_id", "snapshot_id"),
        usual=("LibvirtError", "stall"),
    ),
    FaultPoint(
        "nova.volume_snapshot.delete",
        "The libvirt driver merges a Cinder NFS snapshot's file out of a guest's chain "
        "(blockRebase or blockCommit): an error is the snapshot in error_deleting.",
        ("host", "instance_uuid", "volume_id", "snapshot_id"),
        usual=("LibvirtError", "stall"),
    ),
    FaultPoint(
        "nova.libvirt.rescue",
        "The libvirt driver makes a rescue guest (its disk and definition, before the "
        "server's guest is destroyed): a failure is InstanceNotRescuable 'Driver Error', the "
        "server in ERROR.",
        ("host", "instance_uuid"),
        usual=("LibvirtError",),
    ),
    FaultPoint(
        "nova.libvirt.hard_reboot",
        "The libvirt driver's hard reboot (a HARD reboot, or a SOFT one of a guest that does "
        "not shut down) destroys the guest (step destroy: libvirt cannot kill it, the guest "
        "runs on: the reboot is only a fault and instance.reboot.error, the server ACTIVE) or "
        "creates it again (step create: the guest stays off, the server in ERROR).",
        ("host", "instance_uuid", "step"),
        usual=("LibvirtError",),
    ),
    FaultPoint(
        "nova.libvirt.destroy",
        "The libvirt driver destroys a server's guest as its host deletes it "
        "(_shutdown_instance of a terminate or a reclaim): a failure is the delete's, after "
        "shutdown.start and before any end, the guest left running, the server in ERROR.",
        ("host", "instance_uuid"),
        usual=("LibvirtError", "InstancePowerOffFailure"),
    ),
    FaultPoint(
        "nova.libvirt.live_migration",
        "The libvirt driver starts a live migration job on the source (migrateToURI3): a "
        "failure is the job's, rolled back (the migration failed, the server active on its "
        "source).",
        ("host", "instance_uuid", "dest"),
        usual=("LibvirtError",),
    ),
    FaultPoint(
        "nova.compute.instance_claim",
        "A build's host claims the server's resources (the resource tracker's "
        "instance_claim), before it writes the server's host and node; a failure is "
        "rescheduled to an alternate host, or the server goes to ERROR (a forced host).",
        ("host", "instance_uuid"),
        usual=("ComputeResourcesUnavailable",),
    ),
    FaultPoint(
        "nova.compute.resize_claim",
        "A move's destination claims the new flavor in prep_resize (the resource tracker's "
        "resize_claim); a failure is rescheduled to an alternate host, or the server goes "
        "to ERROR.",
        ("host", "instance_uuid"),
        usual=("ComputeResourcesUnavailable",),
    ),
    FaultPoint(
        "nova.libvirt.get_guest",
        "The libvirt driver looks up a server's domain as its snapshot, or an assisted volume "
        "snapshot's create or delete, starts (DomainNotFound: the guest vanished behind Nova's "
        "back; the driver reports InstanceNotRunning).",
        ("host", "instance_uuid"),
        usual=("DomainNotFound",),
    ),
    FaultPoint(
        "nova.libvirt.extract",
        "The libvirt driver extracts a server's disk for a snapshot (live or cold).",
        ("host", "instance_uuid", "live"),
        usual=("LibvirtError",),
    ),
    FaultPoint(
        "nova.libvirt.direct_snapshot",
        "The libvirt driver snapshots an RBD-backed disk directly in Ceph.",
        ("host", "instance_uuid"),
        usual=("NovaImageUnacceptable",),
    ),
    FaultPoint(
        "nova.libvirt.instance_snapshot",
        "The host takes a vendor instance snapshot of a server's disk.",
        ("host", "instance_uuid", "snapshot_id"),
        usual=("LibvirtError",),
    ),
    FaultPoint(
        "nova.oslo_limit",
        "Nova's oslo.limit calls Keystone as it checks or reads unified limits (its first "
        "call, GET /v3/limits/model, with the token Nova holds): ConnectFailure, Keystone "
        "unreachable; a status, Keystone's error answer, read as the model (KeyError 'model'), "
        "but a 401 (the token revoked), on which keystoneauth asks a new token and sends the "
        "call again, once; "
        "SessionInitError, the token request of oslo.limit's own session refused (a 401; "
        "Nova's local limits: KeystoneConnectionFailed). Each is Nova's 500 'Unexpected API "
        "Error', nothing stored.",
        (),
        usual=("ConnectFailure",),
        http="oslo_limit",
    ),
    FaultPoint(
        "nova.oslo_limit.token",
        "Nova's oslo.limit session asks Keystone for its token (POST /v3/auth/tokens as "
        "[oslo_limit]'s user): its first, and again (renewal true) when the one it holds "
        "expires within 120 s or was refused with a 401. A status is keystoneauth's error "
        "for it (401 Unauthorized, 500 InternalServerError, 503 ServiceUnavailable...); "
        "the first request's 401 alone is wrapped as SessionInitError. Each is Nova's 500 "
        "'Unexpected API Error', nothing stored.",
        ("renewal",),
        http="keystoneauth",
    ),
    FaultPoint(
        "nova.guest_agent",
        "The guest agent is asked to freeze or thaw the guest's filesystems, or to set a "
        "password (GuestAgentUnresponsive: libvirt's error for an agent marked errored, at once; "
        "stall: it never answers). An agent libvirt waits on for 5 s before that error is "
        "config nova.guest_agents {SERVER: {state: hung}} (nova.guest_agent_timeout_s).",
        ("command", "host", "instance_uuid"),
        usual=("GuestAgentUnresponsive", "stall"),
        # qemu-ga's command names, as libvirt sends them (fakecloud.nova.virt.guest_agent)
        values=(
            (
                "command",
                ("guest-fsfreeze-freeze", "guest-fsfreeze-thaw", "guest-set-user-password"),
            ),
        ),
    ),
)

#: What usually goes wrong at the calls of Nova's clients (the rest: nothing listed).
_CLIENT_USUAL = {
    "volume_api.create_snapshot_force": ("CinderServerError", "CinderConnectionFailed"),
    "volume_api.get_absolute_limits": ("CinderServerError", "CinderConnectionFailed"),
    "volume_api.get": ("CinderServerError",),
    "volume_api.get_snapshot": ("CinderServerError",),
    "volume_api.attachment_create": ("CinderServerError",),
    "volume_api.attachment_delete": ("CinderServerError",),
    "image_api.create": ("GlanceUnreachable",),
    "image_api.update": ("GlanceUnreachable",),
    "image_api.upload": ("GlanceUnreachable",),
    "image_api.delete": ("GlanceUnreachable",),
    "image_api.get": ("GlanceUnreachable",),
}

#: The first part of every point name fakecloud consults (a scenario naming a point in one of
#: these families must name a real one; other names may be a plugged-in service's).
FAMILIES = frozenset({"io", "rpc", "cinder", "glance", "nova", "image_api", "volume_api"})

_POINTS: dict[str, FaultPoint] | None = None


def points() -> dict[str, FaultPoint]:
    """Every fault point by name (the fixed ones, then Nova's client families)."""
    global _POINTS
    if _POINTS is None:
        found = {p.name: p for p in _FIXED}
        methods = (("method", rpc_methods()),)
        for name in RPC_POINTS:  # a method no service serves would never match
            found[name] = dataclasses.replace(found[name], values=methods)
        for point in _image_api_points() + _volume_api_points():
            found[point.name] = point
        _POINTS = found
    return _POINTS


#: The points whose ``method`` is an RPC method of a service's manager.
_RPC_POINTS = ("rpc.cast", "rpc.queue", "rpc.call")


def rpc_methods() -> tuple[str, ...]:
    """The methods an RPC message may name, sorted: those of the managers the services serve
    on the bus (nova-compute's, cinder-volume's, cinder-scheduler's, cinder-backup's). A rule
    matching another (``method: quiesce_instanse``) would silently never fire. (A cloud built
    in Python with endpoints of its own checks its rules against those: `FaultPlan.add`.)"""
    from fakecloud.cinder.backup_manager import BackupManager
    from fakecloud.cinder.manager import SchedulerManager, VolumeManager
    from fakecloud.nova.compute.manager import ComputeManager
    from fakecloud.sim.rpc import methods_of

    found: set[str] = set()
    for manager in (ComputeManager, VolumeManager, SchedulerManager, BackupManager):
        found |= methods_of(manager)
    return tuple(sorted(found))


def _image_api_points() -> list[FaultPoint]:
    from fakecloud.nova.image_api import API

    methods = [n for n, f in vars(API).items() if not n.startswith("_")]
    methods = [n for n in methods if inspect.isgeneratorfunction(vars(API)[n])]
    return [
        FaultPoint(
            f"image_api.{name}",
            f"Nova's image API calls Glance ({name}); an error is glanceclient's, as Nova sees it.",
            ("image_id", "call", "attempt"),
            usual=_CLIENT_USUAL.get(f"image_api.{name}", ()),
            http="glanceclient",
        )
        for name in methods
    ]


def _volume_api_points() -> list[FaultPoint]:
    from fakecloud.nova.volume_api import ROUTES

    return [
        FaultPoint(
            f"volume_api.{name}",
            f"Nova's volume API calls Cinder ({name}: {verb} {path}); an error is "
            "cinderclient's, as Nova sees it.",
            ("method", "project_id", "volume_id", "snapshot_id", "attachment_id", "size"),
            usual=_CLIENT_USUAL.get(f"volume_api.{name}", ()),
            http="cinderclient",
        )
        for name, (verb, path, _ok) in ROUTES.items()
    ]


# -- HTTP statuses as errors -------------------------------------------------------------------


def _phrase(status: int) -> str:
    """The status's reason phrase (``Service Unavailable``), the default message."""
    return phrase(status, f"HTTP {status}")


def _glanceclient(status: int, message: str | None) -> BaseException:
    from fakecloud.nova import image_api

    cls = image_api._BY_CODE.get(status)
    text = message or _phrase(status)
    return cls(text) if cls is not None else image_api.GlanceClientError(text, code=status)


def _cinderclient(status: int, message: str | None) -> BaseException:
    from fakecloud.nova import volume_api

    cls = volume_api._BY_CODE.get(status, volume_api.ClientException)
    return cls(status, message or _phrase(status))


def _glance(status: int, message: str | None) -> BaseException:
    import webob.exc

    from fakecloud.glance import errors

    cls: Any = errors._BY_CODE.get(status)
    if cls is None:
        cls = errors.HTTPInternalServerError if status == 500 else webob.exc.status_map[status]
    return cls(explanation=message or _phrase(status))


def _oslo_limit(status: int, message: str | None) -> BaseException:
    from fakecloud.nova.limit.oslo_limit import keystone_status_error

    return keystone_status_error(status, message)


def _keystoneauth(status: int, message: str | None) -> BaseException:
    from fakecloud.identity.keystoneauth import status_error

    return status_error(status, message)


#: Who answers with an HTTP status at a point (`FaultPoint.http`) -> the error it gives.
STATUS_ERRORS = {
    "glanceclient": _glanceclient,
    "cinderclient": _cinderclient,
    "glance": _glance,
    "oslo_limit": _oslo_limit,
    "keystoneauth": _keystoneauth,
}


def declare(plan: Any) -> None:
    """Declare every point and the HTTP-status errors on a cloud's fault plan."""
    # `plan.declare` of each, at once: every cloud declares these sixty-odd points.
    plan.points.update(points())
    for side, factory in STATUS_ERRORS.items():
        plan.register_status_errors(side, factory)
