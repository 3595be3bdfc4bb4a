"""Cinder's user messages: what a user is told when an asynchronous operation fails
(``cinder/message/api.py``, ``message_field.py``; 12.0.10, 14.0.0, 15.0.0, 19.0.0, 20.3.2,
29.0.0 read).

A manager that fails records a message with ``message_api.create(context, action,
resource_type, resource_uuid, exception, detail)``: the event id is
``VOLUME_<resource type>_<action id>_<detail id>``, the detail the one its exception's class
maps to (``EXCEPTION_DETAIL_MAPPINGS``, e.g. ``NoValidBackend`` -> 003), else the one given,
else ``001`` (unknown error). The message lives ``[DEFAULT] message_ttl`` (2,592,000 s) of
virtual time (``expires_at``); the scheduler's ``_clean_expired_messages`` deletes the expired
ones every ``message_reap_interval`` (86,400 s; here at every whole multiple of it).

Which failures record one depends on the series (the call sites were added over time):

- every series: the scheduler's create (``SCHEDULE_ALLOCATE_VOLUME``) and extend
  (``EXTEND_VOLUME``, ``NoValidBackend`` only), the volume manager's extend
  (``DRIVER_FAILED_EXTEND``; Nova refusing its ``volume-extended`` event:
  ``NOTIFY_COMPUTE_SERVICE_FAILED``) and upload to image (``FAILED_TO_UPLOAD_VOLUME``); the
  manager's ``os-attach`` refusal of a read-only volume (``ATTACH_VOLUME``) is never reached:
  ``API.attach`` refused it first;
- Queens: an attachment update of a read-only volume other than ``ro`` (``UPDATE_ATTACHMENT``,
  ``InvalidVolumeAttachMode``; from 13.0.0 the attachment is made ``ro`` instead);
- from 14.0.0 a driver's failed raw create (``CREATE_VOLUME_FROM_BACKEND``,
  ``DRIVER_FAILED_CREATE``; 12.0.10 has neither field);
- from 15.0.0 a failed snapshot (``SNAPSHOT_CREATE``, ``SNAPSHOT_CREATE_ERROR``) and snapshot
  delete (``SNAPSHOT_DELETE``: ``SnapshotIsBusy`` maps to ``SNAPSHOT_IS_BUSY``, another error
  ``SNAPSHOT_DELETE_ERROR``);
- from 19.0.0 backups (``BACKUP_CREATE`` with ``BACKUP_SCHEDULE_ERROR``,
  ``BACKUP_INVALID_STATE`` or ``BACKUP_CREATE_DRIVER_ERROR``; ``BACKUP_RESTORE`` with
  ``BACKUP_INVALID_STATE`` or ``BACKUP_RESTORE_ERROR``).

Ids and request ids are drawn from a stream of the cloud's seed of their own (one per message
number), so recording a message moves no other id. The table (`Store.message_rows`) exists
once a message was recorded: a cloud without any saves as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fakecloud.sim.ids import stream, uuid4_text

#: ``[DEFAULT] message_ttl`` and ``message_reap_interval`` (``message/api.py``), seconds.
MESSAGE_TTL = 2592000
MESSAGE_REAP_INTERVAL = 86400

#: ``message_field.Resource``.
VOLUME, VOLUME_SNAPSHOT, VOLUME_BACKUP = "VOLUME", "VOLUME_SNAPSHOT", "VOLUME_BACKUP"

#: ``message_field.Action``: id -> text (29.0.0; 12.0.10 has 001-007).
ACTIONS = {
    "001": "schedule allocate volume",
    "002": "attach volume",
    "003": "copy volume to image",
    "004": "update attachment",
    "005": "copy image to volume",
    "006": "unmanage volume",
    "007": "extend volume",
    "008": "create volume from backend storage",
    "009": "create snapshot",
    "010": "delete snapshot",
    "011": "update snapshot",
    "012": "update snapshot metadata",
    "013": "create backup",
    "014": "delete backup",
    "015": "restore backup",
    "016": "reimage volume",
}
SCHEDULE_ALLOCATE_VOLUME, ATTACH_VOLUME, COPY_VOLUME_TO_IMAGE = "001", "002", "003"
UNMANAGE_VOLUME, EXTEND_VOLUME = "006", "007"
UPDATE_ATTACHMENT = "004"
REIMAGE_VOLUME = "016"
CREATE_VOLUME_FROM_BACKEND, SNAPSHOT_CREATE, SNAPSHOT_DELETE = "008", "009", "010"
BACKUP_CREATE, BACKUP_RESTORE = "013", "015"

#: ``message_field.Detail``: id -> text (29.0.0; 12.0.10 has 001-010).
DETAILS = {
    "001": "An unknown error occurred.",
    "002": "Driver is not initialized at present.",
    "003": "Could not find any available weighted backend.",
    "004": "Failed to upload volume to image at backend.",
    "005": "Volume's attach mode is invalid.",
    "006": "Not enough quota resource for operation.",
    "007": "Image used for creating volume exceeds available space.",
    "008": "Unmanaging encrypted volumes is not supported.",
    "009": "Compute service failed to extend volume.",
    "010": "Volume Driver failed to extend volume.",
    "011": "Image signature verification failed.",
    "012": "Driver failed to create the volume.",
    "013": "Snapshot failed to create.",
    "014": "Volume snapshot update metadata failed.",
    "015": "Snapshot is busy.",
    "016": "Snapshot failed to delete.",
    "017": "Backup status is invalid.",
    "018": "Backup service is down.",
    "019": "Failed to get backup device from the volume service.",
    "020": "Backup driver failed to create backup.",
    "021": "Failed to attach volume.",
    "022": "Failed to detach volume.",
    "023": "Cleanup of temporary volume/snapshot failed.",
    "024": "Backup failed to schedule. Service not found for creating backup.",
    "025": "Backup driver failed to delete backup.",
    "026": "Backup driver failed to restore backup.",
    "027": "Volume status is invalid.",
    "028": "Compute service failed to reimage volume.",
    "029": "The image disk format must be the same as the volume format for the volume type "
    "you are requesting.",
    "030": "Incremental backup not possible, forcing full backup.",
}
UNKNOWN_ERROR, FAILED_TO_UPLOAD_VOLUME, DRIVER_FAILED_EXTEND = "001", "004", "010"
NOTIFY_COMPUTE_SERVICE_FAILED = "009"
DRIVER_FAILED_CREATE, SNAPSHOT_CREATE_ERROR, SNAPSHOT_DELETE_ERROR = "012", "013", "016"
BACKUP_INVALID_STATE, BACKUP_CREATE_DRIVER_ERROR = "017", "020"
BACKUP_SCHEDULE_ERROR, BACKUP_RESTORE_ERROR = "024", "026"
UNMANAGE_ENC_NOT_SUPPORTED, IMAGE_FORMAT_UNACCEPTABLE = "008", "029"

#: Since which Cinder major each call site records (before, the failure records nothing).
DRIVER_CREATE_SINCE = 14
SNAPSHOT_SINCE = 15
BACKUP_SINCE = 19


def exception_details(major: int) -> dict[str, str]:
    """``EXCEPTION_DETAIL_MAPPINGS`` by exception class name: 12.0.10 maps
    ``UnmanageEncVolNotSupported``; 15.0.0 on ``SnapshotIsBusy`` instead."""
    out = {
        "DriverNotInitialized": "002",
        "NoValidBackend": "003",
        "InvalidVolumeAttachMode": "005",
        "ImageLimitExceeded": "006",
        "BackupLimitExceeded": "006",
        "SnapshotLimitExceeded": "006",
        "ImageTooBig": "007",
    }
    if major >= SNAPSHOT_SINCE:
        out["SnapshotIsBusy"] = "015"
    else:
        out["UnmanageEncVolNotSupported"] = "008"
    return out


def translate_detail_id(exc: BaseException | None, detail: str | None, major: int) -> str:
    """``message_field.translate_detail_id``: the mapped exception's detail, else `detail`,
    else the unknown error."""
    if isinstance(exc, Exception):
        mapped = exception_details(major).get(type(exc).__name__)
        if mapped is not None:
            return mapped
    return detail if detail in DETAILS else UNKNOWN_ERROR


def user_message(msg: Message) -> str:
    """``MessagesController._build_user_message``: ``"<action text>:<detail text>"``."""
    action = ACTIONS.get(msg.action_id, "unknown action")
    return f"{action}:{DETAILS.get(msg.detail_id, DETAILS[UNKNOWN_ERROR])}"


@dataclass(eq=False, slots=True)
class Message:
    """One ``messages`` row (``cinder/db/sqlalchemy/models.py`` ``Message``)."""

    id: str
    project_id: str | None
    request_id: str
    resource_type: str
    resource_uuid: str | None
    event_id: str
    detail_id: str
    action_id: str
    message_level: str
    created_at: float
    expires_at: float

    @property
    def updated_at(self) -> None:
        """Never set (a list sorted by it orders by the default keys)."""
        return None


def reaped(msg: Message, now: float) -> bool:
    """Whether a reap at a whole multiple of `MESSAGE_REAP_INTERVAL` after `msg` expired has
    run by `now` (``cleanup_expired_messages``: ``expires_at < now`` deleted)."""
    next_reap = (msg.expires_at // MESSAGE_REAP_INTERVAL + 1) * MESSAGE_REAP_INTERVAL
    return now >= next_reap


def record(
    cinder: Any,
    action: str,
    project_id: str | None,
    resource_uuid: str | None,
    *,
    resource_type: str = VOLUME,
    exc: BaseException | None = None,
    detail: str | None = None,
) -> Message:
    """``message_api.create``: a new ``ERROR`` message of `project_id`, now."""
    k = cinder.kernel
    table = cinder.store.message_rows(create=True)
    number = k.ids.counter("cinder.message")
    rng = stream(k.seed, f"cinder.message.{number}")
    message_id = uuid4_text(rng.getrandbits(128))
    request_id = "req-" + uuid4_text(rng.getrandbits(128))
    detail_id = translate_detail_id(exc, detail, k.switches.series.cinder)
    now = k.now
    msg = Message(
        id=message_id,
        project_id=project_id,
        request_id=request_id,
        resource_type=resource_type,
        resource_uuid=resource_uuid,
        event_id=f"VOLUME_{resource_type}_{action}_{detail_id}",
        detail_id=detail_id,
        action_id=action,
        message_level="ERROR",
        created_at=now,
        expires_at=now + MESSAGE_TTL,
    )
    table[message_id] = msg
    return msg


def visible(cinder: Any) -> list[Message]:
    """The messages not yet reaped, oldest first (every project's)."""
    now = cinder.kernel.now
    table = cinder.store.message_rows()
    return [m for m in table.values() if not reaped(m, now)]
