"""The catalogue of trace event kinds: what each event means and the fields it carries.

Every event has ``t`` (virtual seconds), ``seq``, ``kind``, ``actor`` (who did it) and
``subject`` (what it is about); the fields below are its details. Scenario ``trace:``
expectations, ``trace.filter(kind=...)`` and the views read these names, and
``fakecloud list events`` prints this table. A kind marked *open* carries the attributes of the
work it describes as well (the fault point's, the transfer's caller's).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The fields every event has.
CORE = ("t", "seq", "kind", "actor", "subject")


@dataclass(frozen=True)
class EventKind:
    """One kind of trace event: its meaning, its actor and subject, its detail fields."""

    kind: str
    doc: str
    actor: str
    subject: str
    fields: tuple[str, ...] = ()
    open: bool = False


def _k(kind: str, doc: str, actor: str, subject: str, *fields: str, open: bool = False):
    return EventKind(kind, doc, actor, subject, tuple(fields), open)


EVENTS: dict[str, EventKind] = {
    e.kind: e
    for e in (
        # -- state and REST --------------------------------------------------------------------
        _k(
            "state",
            "A resource moved between two states of its state table (a volume creating -> "
            "available, a server's task_state image_snapshot -> None).",
            "the service or host that moved it",
            "the resource's id",
            "machine",
            "field",
            "old",
            "new",
            open=True,
        ),
        _k("api.request", "A REST request reached a service.", "service", "METHOD /path", "user"),
        _k(
            "api.response",
            "A service answered a REST request.",
            "service",
            "METHOD /path",
            "status",
            "user",
            "reason",
        ),
        _k(
            "api.error",
            "A handler failed unexpectedly: the service answered 500.",
            "service",
            "METHOD /path",
            "error",
            "traceback",
        ),
        _k(
            "http.request",
            "A service called another's REST API (Nova -> Cinder, Nova -> Glance, Cinder -> "
            "Glance; a service's auth_token middleware -> Keystone: validate_token, "
            "GET /v3/auth/tokens, for a token it has not cached). volume_id: the volume a "
            "request's body names where its path names none (Nova's create_snapshot_force).",
            "the caller (nova-api, nova-compute:HOST, cinder-api, ...)",
            "METHOD /path",
            "callee",
            "call",
            "volume_id",
        ),
        _k(
            "http.response",
            "The answer to an internal REST call (status None: no answer, e.g. unreachable; "
            "volume_id as its request's).",
            "the caller",
            "METHOD /path",
            "callee",
            "call",
            "volume_id",
            "status",
            "error",
        ),
        # -- messages ----------------------------------------------------------------------------
        _k("rpc.cast", "A one-way RPC message was sent.", "rpc", "target", "method"),
        _k("rpc.call", "An RPC call was sent.", "rpc", "target", "method", "timeout_s"),
        _k("rpc.deliver", "An RPC message reached its target.", "rpc", "target", "method"),
        _k("rpc.reply", "The reply to an RPC call came back.", "rpc", "target", "method", "ok"),
        _k(
            "rpc.lost",
            "An RPC message or its reply was lost (reason 'no queue': the stopped service's "
            "queue was gone; instance: the server the message was about, if any).",
            "rpc",
            "target",
            "method",
            "reason",
            "instance",
        ),
        _k(
            "rpc.queued",
            "An RPC message waits in the queue of a stopped service (the queue outlives its "
            "consumer); it is delivered when the service is back (a call: unless it expired).",
            "rpc",
            "target",
            "method",
        ),
        _k(
            "rpc.expired",
            "An RPC call outlived its expiration (oslo.messaging publishes a call with "
            "expiration=timeout) in the queue of a stopped service: RabbitMQ discarded it "
            "undelivered when the service was back (instance: the server the call was about, "
            "if any).",
            "rpc",
            "target",
            "method",
            "instance",
        ),
        _k(
            "rpc.dropped",
            "A reply found its caller gone (it had timed out) and was dropped.",
            "rpc",
            "target",
            "method",
            "ok",
        ),
        _k(
            "rpc.timeout",
            "An RPC call got no reply in time (MessagingTimeout; instance: the server the call "
            "was about, if any).",
            "rpc",
            "target",
            "method",
            "timeout_s",
            "instance",
        ),
        _k("rpc.service", "A service went down or came back up.", "rpc", "target", "up"),
        # -- I/O -----------------------------------------------------------------------------------
        _k(
            "io.start",
            "A transfer of bytes started on a path of links and disks.",
            "io",
            "the transfer's id (io-N)",
            "label",
            "size",
            "path",
            open=True,
        ),
        _k("io.finish", "A transfer finished.", "io", "transfer id", "label", "duration_s"),
        _k("io.fail", "A transfer failed (a fault).", "io", "transfer id", "label", "error"),
        _k("io.stall", "A transfer was stalled by a fault rule.", "io", "transfer id", "label"),
        _k("io.resume", "A stalled or delayed transfer went on.", "io", "transfer id", "label"),
        _k(
            "io.resource",
            "A link or disk came into use, with its throughput.",
            "io",
            "resource name",
            "bytes_per_s",
        ),
        _k(
            "io.capacity",
            "A link's or disk's throughput changed.",
            "io",
            "resource name",
            "bytes_per_s",
        ),
        # -- faults ------------------------------------------------------------------------------
        _k(
            "fault",
            "A fault rule fired at its point (with the point's attributes).",
            "fault_plan",
            "the fault point",
            "rule",
            "action",
            open=True,
        ),
        _k(
            "fault.release",
            "Work stalled at a point was released.",
            "fault_plan",
            "the fault point",
            "released",
        ),
        # -- Nova ------------------------------------------------------------------------------
        _k(
            "nova.action",
            "An instance action was recorded (os-instance-actions).",
            "nova",
            "server id",
            "action",
            "request_id",
        ),
        _k(
            "nova.event",
            "An instance action event started or finished.",
            "host or nova-api",
            "server id",
            "event",
            "phase",
            "result",
        ),
        _k("nova.fault", "A server got an instance fault.", "host", "server id", "code", "message"),
        _k(
            "nova.migration",
            "A resize's or cold migration's record was made or changed status.",
            "nova-api, nova-conductor or nova-compute:HOST",
            "server id",
            "migration_id",
            "status",
        ),
        _k(
            "nova.compute",
            "nova-compute stopped or started on a host.",
            "nova-compute:HOST",
            "host",
            "phase",
        ),
        _k(
            "nova.hub",
            "nova-compute's eventlet hub on a host: blocked by an upload's file reads (before "
            "22.0.0, LP #1874032), free again, or a greenthread that waited for it (an RPC "
            "delivery, the end of a copy).",
            "nova-compute:HOST",
            "host, or what waited (RPC target, server id)",
            "phase",
            "by",
            "blocked_s",
            "what",
            "waited_s",
        ),
        _k(
            "nova.snapshot",
            "A phase of the libvirt driver's snapshot (extract, upload, ...).",
            "nova-compute:HOST",
            "server id",
            "phase",
            "live",
            "source_type",
            "image_id",
        ),
        _k(
            "nova.instance_snapshot",
            "A vendor instance snapshot changed (the instance-snapshot branch).",
            "nova-api or host",
            "server id",
            "phase",
            "old",
            "new",
        ),
        _k(
            "nova.flavor",
            "A flavor was created, deleted or described anew, its extra specs or its access "
            "list changed.",
            "nova",
            "flavor id",
            "action",
        ),
        _k(
            "nova.rotate_backups",
            "createBackup's rotation deletes an older backup image of the server.",
            "nova-compute:<host>",
            "image id",
            "instance",
            "backup_type",
            "rotation",
        ),
        _k(
            "nova.delete_shelved_image",
            "Nova deletes a server's shelved image: the server's delete while shelved "
            "(nova-api) or the unshelve that no longer needs it (nova-compute).",
            "nova-api or nova-compute:<host>",
            "image id",
            "instance",
        ),
        _k(
            "notification",
            "A Nova notification was emitted (legacy or versioned, as the profile has it).",
            "the emitter (compute.HOST, nova-api)",
            "event type",
            "event_type",
            "priority",
            "format",
            open=True,
        ),
        _k(
            "log",
            "A line Nova (or Keystone) logs that a reader of the flow needs (a warning, a thaw "
            "after a failure).",
            "the service",
            "what it is about",
            "level",
            "message",
        ),
        _k(
            "guest.freeze",
            "The guest agent froze the guest's filesystems.",
            "libvirt:HOST",
            "server id",
            "host",
            "requested_at",
        ),
        _k(
            "guest.thaw",
            "The guest agent thawed the guest's filesystems.",
            "libvirt:HOST",
            "server id",
            "host",
            "requested_at",
        ),
        _k(
            "guest.nmi",
            "libvirt injected an NMI into the guest (``trigger_crash_dump``).",
            "libvirt:HOST",
            "server id",
        ),
        _k(
            "guest.volume_snapshot",
            "libvirt moved a guest's volume onto a new qcow2 file (Nova's assisted snapshot of an "
            "NFS volume), quiesced or not.",
            "libvirt:HOST",
            "server id",
            "quiesced",
        ),
        _k(
            "guest.volume_snapshot_delete",
            "libvirt merged a snapshot's file out of a guest's volume chain (``blockRebase`` or "
            "``blockCommit``; a guest not running: ``qemu-img rebase``).",
            "libvirt:HOST",
            "server id",
            "job",
        ),
        _k(
            "guest.agent_error",
            "The guest agent failed a command.",
            "libvirt:HOST",
            "server id",
            "command",
            "code",
            "error",
        ),
        # -- Cinder and Glance -----------------------------------------------------------------
        _k("cinder.error", "A Cinder operation failed.", "cinder service", "id", "op", "error"),
        _k(
            "glance.image.update",
            "An image's fields changed.",
            "glance",
            "image id",
            "changes",
        ),
        _k("glance.store.put", "Image data was stored.", "glance", "image id", "size"),
        _k("glance.store.delete", "Image data was deleted.", "glance", "image id", "size"),
        _k("glance.import.fail", "An image import failed.", "glance", "image id", "error"),
        _k(
            "glance.cache.cached",
            "An image was written to the API node's image cache (a download or a fetch).",
            "glance",
            "image id",
            "size",
        ),
        _k(
            "glance.location.fail",
            "A location task failed: the store finds nothing there; the image stays queued.",
            "glance",
            "image id",
            "error",
        ),
        _k("glance.member.delete", "An image member was removed.", "glance", "image id"),
        _k("glance.task", "A Glance task changed.", "glance", "task id", "image_id", "status"),
        _k(
            "glance.task.stuck",
            "A legacy import task's flow could not be built (before Glance 33.0.0 the task "
            "stays processing).",
            "glance",
            "task id",
            "error",
        ),
        # -- identity --------------------------------------------------------------------------
        _k(
            "identity.token_issued",
            "Keystone issued a token.",
            "keystone",
            "user name",
            "scope",
            "roles",
            "expires_at",
        ),
        _k(
            "identity.token_rejected",
            "A service's auth_token middleware refused a request's token (expired, revoked, "
            "unknown; a service token invalid or without its role): at the door, between the "
            "request's api.request and its api.response 401 (both with no user), and inside a "
            "flow (Nova's call to Cinder or Glance), before the 401 it answers.",
            "the service (nova, cinder, glance)",
            "the request (METHOD path)",
            "reason",
        ),
        _k("identity.token_revoked", "A token was revoked.", "keystone", "user name"),
        *(
            _k(
                f"identity.{what}_{done}",
                f"Keystone's admin API {done} a {what}.",
                "keystone",
                f"{what} name",
                "id",
            )
            for what, done in [
                *(
                    (w, d)
                    for w in ("domain", "project", "user", "group")
                    for d in ("created", "updated")
                ),
                *((w, "deleted") for w in ("domain", "project", "role", "user", "group")),
                ("role", "created"),
            ]
        ),
        _k(
            "identity.role_granted",
            "A role was granted to a user (on a project, a domain or the system) or a group.",
            "keystone",
            "user name, or group:<name>",
            "role",
            "scope",
        ),
        _k(
            "identity.role_revoked",
            "A user's or a group's role was revoked (the tokens there with it).",
            "keystone",
            "user name, or group:<name>",
            "role",
            "scope",
        ),
        _k(
            "identity.group_member_added",
            "A user was put in a group.",
            "keystone",
            "group name",
            "user",
        ),
        _k(
            "identity.group_member_removed",
            "A user was taken out of a group (its tokens revoked).",
            "keystone",
            "group name",
            "user",
        ),
        _k(
            "identity.role_implied",
            "A rule was made that a prior role implies another.",
            "keystone",
            "prior role name",
            "implies",
        ),
        _k(
            "identity.role_implication_deleted",
            "A rule that a prior role implies another was deleted.",
            "keystone",
            "prior role name",
            "implies",
        ),
        _k(
            "identity.auth_failed",
            "An authentication request failed.",
            "keystone",
            "user name",
            "reason",
        ),
        # -- tools -----------------------------------------------------------------------------
        _k(
            "scenario.start",
            "A scenario case's steps start: scenario time zero, and the cloud it runs on (no "
            "file or case name, so a replay file writes the same trace).",
            "scenario",
            "time zero",
            "seed",
            "profile",
            "bugs",
        ),
        _k(
            "scenario.names",
            "The readable names of what a scenario run touched ({id: name}, for the views).",
            "scenario",
            "names",
            "names",
        ),
        _k(
            "scenario.step",
            "A scenario step started.",
            "scenario",
            "step name",
            "action",
            "what",
        ),
        _k("note", "A note a tool wrote into the trace (the demo).", "tool", "topic", "text"),
    )
}


def kind_problem(kind: str) -> str | None:
    """Why no trace event can be of `kind` (a catalogued kind, or a prefix ending in ``.*`` as
    ``trace.filter`` takes it), or None: a check naming such a kind could never see an event."""
    if kind in EVENTS or (kind.endswith(".*") and any(k.startswith(kind[:-1]) for k in EVENTS)):
        return None
    from fakecloud.suggest import did_you_mean

    return (
        f"unknown event kind {kind!r}{did_you_mean(kind, EVENTS)}; "
        "`fakecloud list events` lists them"
    )
