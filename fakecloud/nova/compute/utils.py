"""Helpers shared by Nova's API and compute layers (``nova/compute/utils.py``, ``nova/utils.py``).

The snapshot image metadata is built here exactly as Nova builds it: inherited from the
server's system metadata (``image_*`` keys, as stored at boot), non-inheritable properties
dropped, the caller's properties on top, ``shared`` visibility and a pending member when an
admin snapshots another project's server — each rule as the profile's release has it.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback as tb
from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states

SM_IMAGE_PROP_PREFIX = "image_"
SM_INHERITABLE_KEYS = ("min_ram", "min_disk", "disk_format", "container_format")
SM_SKIP_KEYS = ("mappings", "block_device_mapping", "img_mappings", "img_block_device_mapping")

# The two lists as sets, for the membership tests run on every key of a server's system
# metadata (a tuple compares the key with each name in turn).
_INHERITABLE = frozenset(SM_INHERITABLE_KEYS)
_SKIP = frozenset(SM_SKIP_KEYS)

#: Hard-coded ``NON_INHERITABLE_IMAGE_PROPERTIES`` (on top of the configured list).
NON_INHERITABLE_IMAGE_PROPERTIES = frozenset(
    {
        "cinder_encryption_key_id",
        "cinder_encryption_key_deletion_policy",
        "img_signature",
        "img_signature_hash_method",
        "img_signature_key_type",
        "img_signature_certificate_uuid",
    }
)
NON_INHERITABLE_IMAGE_NAMESPACES = ("os_glance",)
#: ``[DEFAULT] non_inheritable_image_properties``' default from 21.0.0 (bc29084012 moved the
#: signature properties into `NON_INHERITABLE_IMAGE_PROPERTIES`)...
DEFAULT_NON_INHERITABLE = frozenset({"cache_in_nova", "bittorrent"})
#: ... and before it (nova 17.0.13-20.6.1 ``nova/conf/compute.py``): the image-signature
#: properties too, so a default cloud never passed them on (the encryption-key ones it did).
_DEFAULT_BEFORE_21 = DEFAULT_NON_INHERITABLE | {
    "img_signature_hash_method",
    "img_signature",
    "img_signature_key_type",
    "img_signature_certificate_uuid",
}


class QuotaRetryRecursion(RecursionError):
    """``check_num_instances_quota``'s retry asking for as many servers as before (before
    34.0.0, 25bdd9c2cf: a refusal that reports a user's usage under the project's limits):
    Nova recurses until Python stops it, ``FaultWrapper``'s 500 ``<class 'RecursionError'>``."""

    real_class_path = "RecursionError"


class BuildRequestProjectMissing(ValueError):
    """A create whose context names no project (a system- or domain-scoped token where the
    policy lets it through): ``objects.BuildRequest(project_id=instance.project_id)`` refuses
    None for its non-nullable ``project_id`` (nova 17.0.0-34.0.0 objects/build_request.py,
    compute/api.py ``_provision_instances``), ``FaultWrapper``'s 500 ``<class 'ValueError'>``;
    the request spec is cleaned up, nothing is stored."""

    real_class_path = "ValueError"


def safe_truncate(value: str, length: int) -> str:
    """Cut `value` so its UTF-8 encoding is at most `length` bytes, never mid-character."""
    raw = value.encode("utf-8")[:length]
    while True:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raw = raw[:-1]


def get_system_metadata_from_image(image_meta: dict[str, Any], flavor: Any = None) -> dict:
    """``nova/utils.py::get_system_metadata_from_image``: what a booting server remembers of
    its image — every property as ``image_<key>`` (its text, cut at 255 bytes), and the
    inheritable keys, ``min_disk`` raised to the flavor's root disk (or the root disk for
    ``vhd``), as texts too (Nova stores the numbers, which its text column reads back as
    texts: every value of a server's system metadata is a text, nova 17.0.0-34.0.0).

    Keys and values are interned: they are the same strings in every server booted from one
    image, and a large world holds them once instead of once per server.
    """
    intern = sys.intern
    system_meta = {}
    for key, value in (image_meta.get("properties") or {}).items():
        if key in _SKIP:
            continue
        text = str(value)
        if not (len(text) <= 255 and text.isascii()):  # else nothing to cut
            text = safe_truncate(text, 255)
        system_meta[intern(SM_IMAGE_PROP_PREFIX + key)] = intern(text)
    for key in SM_INHERITABLE_KEYS:
        value = image_meta.get(key)
        if key == "min_disk" and flavor is not None:
            if image_meta.get("disk_format") == "vhd":
                value = flavor.root_gb
            else:
                value = max(value or 0, flavor.root_gb)
        if value is None:
            continue
        # a text, as Nova's ``DictOfNullableStringsField`` coerces it and its text column
        # keeps it: ``image_min_disk`` "20", never 20, once the instance is saved and read
        system_meta[intern(SM_IMAGE_PROP_PREFIX + key)] = intern(str(value))
    return system_meta


def get_image_from_system_metadata(system_meta: dict[str, Any]) -> dict[str, Any]:
    """``nova/utils.py::get_image_from_system_metadata``: every non-None key becomes an image
    property (``image_`` stripped, the name interned: a snapshot image keeps it), except the
    skipped keys and the top-level inheritable ones."""
    image_meta: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    names = _PROPERTY_NAMES
    for key, value in system_meta.items():
        if value is None:
            continue
        name = names.get(key)
        if name is None:
            name = _property_name(key)
        if name in _SKIP:
            continue
        if name in _INHERITABLE:
            image_meta[name] = value
        else:
            properties[name] = value
    image_meta["properties"] = properties
    return image_meta


#: System metadata key -> the image property name it stands for (``image_`` stripped,
#: interned): the same few keys come back in every snapshot of every server. Bounded.
_PROPERTY_NAMES: dict[str, str] = {}


def _property_name(key: str) -> str:
    name = (
        sys.intern(key[len(SM_IMAGE_PROP_PREFIX) :])
        if key.startswith(SM_IMAGE_PROP_PREFIX)
        else key
    )
    if len(_PROPERTY_NAMES) >= 4096:
        _PROPERTY_NAMES.clear()
    _PROPERTY_NAMES[key] = name
    return name


@functools.lru_cache(maxsize=64)
def _not_inherited(non_inheritable: frozenset[str] | None, hard_coded: bool) -> tuple[str, ...]:
    """The properties a snapshot drops: the configured ones (None: the release's default), and
    (`hard_coded`, from 21.0.0) `NON_INHERITABLE_IMAGE_PROPERTIES`."""
    if non_inheritable is None:  # one commit (bc29084012) changed the default and hard_coded
        non_inheritable = DEFAULT_NON_INHERITABLE if hard_coded else _DEFAULT_BEFORE_21
    names = set(non_inheritable)
    if hard_coded:
        names |= NON_INHERITABLE_IMAGE_PROPERTIES
    return tuple(names)


def initialize_instance_snapshot_metadata(
    context: Any,
    instance: Any,
    name: str,
    extra_properties: dict[str, Any] | None,
    non_inheritable: frozenset[str] | None,
    switches: Any = None,
) -> dict[str, Any]:
    """The metadata of a new snapshot image of `instance` (both snapshot paths use it), by the
    rules of the release in `switches` (None: the latest):

    - ``lp1675791`` (before 19.0.0 and 18.2.2): ``is_public: False`` whoever asks, so an
      admin's snapshot of another project's server is the admin project's private image;
      after, ``shared`` with the server's project added as a member (``instance_owner``);
    - ``lp1852106`` (before 21.0.0): only ``non_inheritable_image_properties`` are dropped
      (by default the signature properties among them), not the hard-coded signature and
      encryption-key properties;
    - ``snapshot_drops_os_glance_properties`` (23.0.0): ``os_glance*`` are not inherited.
    """
    image_meta = get_image_from_system_metadata(instance.system_metadata)
    image_meta["name"] = name
    extra_properties = dict(extra_properties) if extra_properties is not None else {}
    if switches is not None and switches.lp1675791:
        image_meta["is_public"] = False
    elif context.project_id != instance.project_id:
        # The image client adds the server's project as a member of this shared image.
        image_meta["visibility"] = "shared"
        extra_properties["instance_owner"] = instance.project_id
    else:
        image_meta["visibility"] = "private"
    properties = image_meta["properties"]
    for key in _not_inherited(non_inheritable, switches is None or not switches.lp1852106):
        properties.pop(key, None)
    if switches is None or switches.snapshot_drops_os_glance_properties:
        for key in [k for k in properties if k.startswith(NON_INHERITABLE_IMAGE_NAMESPACES)]:
            del properties[key]
    properties.update(extra_properties)
    return image_meta


def create_image(
    context: Any,
    instance: Any,
    name: str,
    image_type: str,
    image_api: Any,
    non_inheritable: frozenset[str] | None,
    extra_properties: dict[str, Any] | None = None,
    switches: Any = None,
    id_only: bool = False,
) -> Generator[Any, Any, Any]:
    """Create the (queued) Glance image a snapshot or backup will be uploaded into (metadata by
    the rules of the release in `switches`); Nova's dict of it, or with `id_only` its id."""
    properties = {
        "instance_uuid": instance.uuid,
        "user_id": str(context.user_id),
        "image_type": image_type,
    }
    properties.update(extra_properties or {})
    image_meta = initialize_instance_snapshot_metadata(
        context, instance, name, properties, non_inheritable, switches
    )
    if image_type == "snapshot":
        # The driver sets the real formats at upload time.
        image_meta.pop("disk_format", None)
        image_meta.pop("container_format", None)
    return (yield from image_api.create(context, image_meta, id_only=id_only))


def delete_image(
    context: Any,
    image_api: Any,
    image_id: str,
    kernel: Any,
    actor: str,
    instance_uuid: str | None = None,
) -> Generator[Any, Any, None]:
    """Delete the image if it still exists; ImageNotFound is fine, other errors are logged.

    With `instance_uuid` this is ``compute_utils.delete_image`` (``delete_image_on_error``'s
    clean-up, inline before 20.0.0): the error logged against the server as
    ``LOG.exception("Error while trying to clean up image %s")`` (nova 17.0.7 to 34.0.0)."""
    try:
        yield from image_api.delete(context, image_id)
    except exception.ImageNotFound:
        pass
    except Exception as exc:  # noqa: BLE001 - Nova logs and goes on
        if instance_uuid is not None:
            message = f"Error while trying to clean up image {image_id}"
            kernel.trace.emit("log", actor, instance_uuid, level="error", message=message)
        else:
            kernel.trace.emit(
                "log", actor, image_id, level="warning", message=f"Error deleting image: {exc}"
            )


def delete_shelved_image(
    context: Any, image_api: Any, image_id: str, instance_uuid: str, kernel: Any, actor: str
) -> Generator[Any, Any, None]:
    """Delete a server's shelved image, as Nova does when the server is deleted while shelved
    (nova-api, ``compute/api.py _delete``) or unshelved (nova-compute,
    ``_delete_snapshot_of_shelved_instance``): the same clauses and lines in both, nova 17.0.13
    to 34.0.0. A ``nova.delete_shelved_image`` event marks the delete as Nova's by design."""
    emit = kernel.trace.emit
    emit("nova.delete_shelved_image", actor, image_id, instance=instance_uuid)
    try:
        yield from image_api.delete(context, image_id)
    except (exception.ImageNotFound, exception.ImageNotAuthorized) as exc:
        message = f"Failed to delete snapshot from shelved instance ({exc.format_message()})."
        emit("log", actor, instance_uuid, level="warning", message=message)
    except Exception:  # noqa: BLE001 - Nova logs it and goes on
        message = "Something wrong happened when trying to delete snapshot from shelved instance."
        emit("log", actor, instance_uuid, level="error", message=message)


def claim_for_snapshot(
    context: Any,
    instance: Any,
    image_meta: dict[str, Any],
    task_state: str,
    image_api: Any,
    kernel: Any,
    actor: str,
) -> Generator[Any, Any, None]:
    """Move the server's task_state from None to `task_state` (compare-and-swap), after its
    snapshot image was created, as ``compute_api.snapshot`` does.

    A server deleted meanwhile: the image is deleted and `InstanceInvalidState` raised (409,
    "vm_state deleted" or "task_state deleting"). Any other `UnexpectedTaskStateError`
    propagates: a 500, and the image stays queued (spec §7).
    """
    instance.task_state = task_state
    try:
        instance.save(expected_task_state=[None])
    except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError) as ex:
        image_id = image_meta["id"]
        emit = kernel.trace.emit
        emit(
            "log",
            actor,
            instance.uuid,
            level="debug",
            message="Instance disappeared during snapshot.",
        )
        try:
            yield from image_api.delete(context, image_id)
            message = f"Image {image_id} deleted because instance deleted before snapshot started."
            emit("log", actor, instance.uuid, level="info", message=message)
        except exception.ImageNotFound:
            pass
        except Exception as exc:  # noqa: BLE001 - Nova logs and goes on
            message = f"Error while trying to clean up image {image_id}: {exc}"
            emit("log", actor, image_id, level="warning", message=message)
        attr, state = "task_state", states.DELETING
        if type(ex) is exception.InstanceNotFound:
            attr, state = "vm_state", states.DELETED
        raise exception.InstanceInvalidState(
            attr=attr, instance_uuid=instance.uuid, state=state, method="snapshot"
        ) from None


def get_root_bdm(bdms: list[Any]) -> Any:
    """The first mapping with ``boot_index == 0``, or None."""
    for bdm in bdms:
        if bdm.boot_index == 0:
            return bdm
    return None


def is_volume_backed_instance(instance: Any, bdms: list[Any]) -> bool:
    """Volume-backed iff the root BDM's destination is a volume; with no root BDM, iff the
    server has no image_ref (``compute/utils.py::is_volume_backed_instance``)."""
    root = get_root_bdm(bdms)
    if root is not None:
        return root.is_volume
    return not instance.image_ref


def format_traceback(exc: BaseException) -> str:
    """The traceback text stored with an instance fault (``_get_fault_details``:
    ``traceback.format_exception``, header, frames and the exception's line).

    Shaped like Python's, but only fakecloud's own frames, each named by its path inside the
    package: the same run gives the same text on every machine, whatever the install path or
    the Python and library versions. The last line names the class as real Nova's traceback
    would (``libvirt.libvirtError: ...``, ``nova.exception.X: ...``).
    """
    path, text = exception.real_class_path(exc), str(exc)
    last = f"{path}: {text}\n" if text else f"{path}\n"
    return f"{TRACEBACK_HEADER}{format_tb(exc)}{last}"


#: The first line of `format_traceback`'s text.
TRACEBACK_HEADER = "Traceback (most recent call last):\n"


def format_tb(exc: BaseException) -> str:
    """The frames of `exc`'s traceback only, as ``traceback.format_tb`` gives them: what an
    instance-action event stores (``serialize_args`` turns its ``exc_tb`` into
    ``''.join(traceback.format_tb(exc_tb))``: no header, no exception line; the same in
    every release, nova 17.0.7 to 34.0.0 ``nova/objects/base.py``)."""
    lines = []
    for frame in tb.extract_tb(exc.__traceback__):
        where = _package_path(frame.filename)
        if where is not None:
            lines.append(f'  File "{where}", line {frame.lineno}, in {frame.name}\n')
    return "".join(lines)


_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _package_path(filename: str) -> str | None:
    """``fakecloud/nova/...py`` for a file of this package, else None."""
    path = os.path.abspath(filename)
    if not path.startswith(_PACKAGE_ROOT + os.sep):
        return None
    return os.path.relpath(path, os.path.dirname(_PACKAGE_ROOT)).replace(os.sep, "/")


class EventReporter:
    """``wrap_instance_event`` as explicit start/finish calls (generators cannot use ``with``
    across a crash of their process)."""

    __slots__ = ("_db", "_ctx", "_uuid", "_row")

    def __init__(self, db: Any, ctx: Any, instance_uuid: str, event: str, host: str):
        self._db = db
        self._ctx = ctx
        self._uuid = instance_uuid
        self._row = db.event_start(ctx, instance_uuid, event, host)

    def finish(self, exc: BaseException | None = None) -> None:
        """Record the event's end: Success, or Error with details and traceback."""
        self._db.event_finish(
            self._ctx,
            self._uuid,
            self._row,
            exc,
            format_tb(exc) if exc is not None else None,
        )


def nil_out_host_and_node(instance: Any, switches: Any) -> None:
    """The server leaves its host (``_nil_out_instance_obj_host_and_node``): host and node
    cleared, and from 19.0.0 (17.0.10, 18.0.2) its availability zone (switch
    ``availability_zone_cleared``)."""
    instance.host = instance.node = None
    if switches.availability_zone_cleared:
        instance.availability_zone = None


def remove_shelved_keys_from_system_metadata(system_metadata: Any) -> dict[str, Any]:
    """``remove_shelved_keys_from_system_metadata`` (nova 17.0.13-34.0.0), on a copy: the
    system metadata without ``shelved_at``, ``shelved_image_id`` and ``shelved_host``."""
    meta = dict(system_metadata)
    for key in ("shelved_at", "shelved_image_id", "shelved_host"):
        meta.pop(key, None)
    return meta
