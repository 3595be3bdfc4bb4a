"""Cinder's API controllers, body in, record out (``cinder/api/v3/*.py``, ``api/contrib``):
schema validation, parameter parsing and microversion rules, then the volume API.

Both doors into Cinder use these functions: the REST surface (`fakecloud.cinder.api`) after
parsing JSON, and Nova's internal client (`fakecloud.nova.volume_api`) with the very body
python-cinderclient would send, so both see the same checks and the same errors.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from fakecloud.api.microversion import Version
from fakecloud.cinder import exception, policy, validation
from fakecloud.cinder.fast_paths import CANONICAL_UUID as _CANONICAL_UUID
from fakecloud.cinder.faults import GENERIC
from fakecloud.cinder.models import Snapshot, Volume, VolumeAttachment
from fakecloud.cinder.states import SNAPSHOT_STATUSES

# Microversion gates (cinder/api/microversions.py); the ones on Nova's every boot and delete
# are compared by key (`Version.key`).
GROUP_VOLUME = Version.parse("3.13")
VOLUME_DELETE_FORCE = Version.parse("3.23")
#: ``mv.VOLUME_LIST_BOOTABLE``, what 12.0.0-12.0.3's delete compared for ``force``.
VOLUME_LIST_BOOTABLE = Version.parse("3.2")
NEW_ATTACH = Version.parse("3.27")
LIMITS_ADMIN_FILTER = Version.parse("3.39")
VOLUME_EXTEND_INUSE = Version.parse("3.42")
NEW_ATTACH_COMPLETION = Version.parse("3.44")
SUPPORT_NOVA_IMAGE = Version.parse("3.46")
VOLUME_CREATE_FROM_BACKUP = Version.parse("3.47")
SUPPORT_VOLUME_SCHEMA_CHANGES = Version.parse("3.53")
ATTACHMENT_CREATE_MODE_ARG = Version.parse("3.54")
DEFAULT_TYPE_OVERRIDES = Version.parse("3.62")
SNAPSHOT_IN_USE = Version.parse("3.66")
SNAPSHOT_IN_USE_FLAG_MSG = (
    f"Since microversion {SNAPSHOT_IN_USE} the 'force' flag is invalid for this request.  For "
    "backward compatability, however, when the 'force' flag is passed with a value evaluating "
    "to True, it is silently ignored."
)
#: The refusal of a volume create's ``multiattach`` parameter (while switch
#: ``cinder_multiattach_param`` is off: Cinder 22.0.0 and its backports).
MULTIATTACH_REMOVED_MSG = (
    "multiattach parameter has been removed. The default behavior is to use multiattach "
    "enabled volume types. Contact your administrator to create a multiattach enabled volume "
    "type and use it to create multiattach volumes."
)
VALID_BOOLSTR = ("true", "false", "yes", "no", "y", "n", "1", "0", "on", "off", "t", "f")


def bad_request(message: str) -> exception.Invalid:
    """A 400 carrying `message` as is (``webob.exc.HTTPBadRequest(explanation=...)``)."""
    return exception.Invalid(message)


def get_bool_param(name: str, params: dict[str, Any], default: bool = False) -> bool:
    """``cinder.utils.get_bool_param``: a strict boolean query parameter."""
    value = params.get(name, default)
    if str(value).lower() not in VALID_BOOLSTR:
        raise exception.InvalidParameterValue(err=f"Value '{value}' for '{name}' is not a boolean.")
    return str(value).lower() in ("true", "yes", "y", "1", "on", "t")


def clean_name_and_description(body: dict[str, Any]) -> None:
    """Strip whitespace from name and description fields (``Controller`` helper)."""
    for key in ("name", "description", "display_name", "display_description"):
        value = body.get(key)
        if isinstance(value, str):
            body[key] = value.strip()


def action_of(body: Any) -> str:
    """The one key of an action body (``action_peek_json``)."""
    if not isinstance(body, dict) or len(body) != 1:
        raise bad_request("Malformed request body")
    return next(iter(body))


def no_such_action(action: str) -> exception.Invalid:
    """The 400 for an action the resource does not have (``Resource._process_stack``'s
    ``KeyError``), which `fakecloud.cinder.validation.worded` words as 12.x did."""
    error = bad_request(
        f"There is no such action: {action}. Verify the request body and Content-Type header "
        "and try again."
    )
    error.queens_detail = f"There is no such action: {action}"
    return error


def not_found() -> exception.NotFound:
    """The bare 404 of a method the microversion does not have (``VersionNotFoundForAPIMethod``
    in ``Resource.dispatch``)."""
    return exception.NotFound("The resource could not be found.")


# -- snapshots --------------------------------------------------------------------------------


def create_snapshot(
    cinder: Any, context: Any, body: Any, version: Version
) -> Snapshot | Generator[Any, Any, Snapshot]:
    """``SnapshotsController.create``: schema, volume lookup, the 3.66 force rule, create
    (the snapshot, or a generator giving it: `SnapshotAPI.create`)."""
    switches = cinder.kernel.switches
    schema = validation.snapshot_create_schema(switches.series.cinder)
    validation.validate(validation.for_release(schema, switches), body)
    snapshot = body["snapshot"]
    volume = cinder.volume_api.get(context, snapshot["volume_id"])
    force_flag = snapshot.get("force")
    force = False
    if force_flag is not None:
        force = validation.bool_from_string(force_flag)
        if version >= SNAPSHOT_IN_USE and force is False:
            raise bad_request(SNAPSHOT_IN_USE_FLAG_MSG)
    clean_name_and_description(snapshot)
    name = snapshot["name"] if "name" in snapshot else snapshot.get("display_name")
    return cinder.snapshot_api.create(
        context,
        volume,
        name,
        snapshot.get("description"),
        force=force,
        metadata=snapshot.get("metadata"),
        allow_in_use=not force and version.key >= SNAPSHOT_IN_USE.key,
    )


def create_snapshot_of(
    cinder: Any,
    context: Any,
    volume_id: Any,
    force: bool,
    name: Any,
    description: Any,
    version: Version,
) -> Snapshot | Generator[Any, Any, Snapshot]:
    """`create_snapshot` of the body Nova's Cinder client sends (``volume_id``, ``force``,
    ``name``, ``description`` and empty ``metadata``), given as its values: the same answer
    and errors. Values the body's schema surely accepts (a canonical UUID, names of at most 255
    printable characters or None, a boolean force) go straight to the volume's lookup and the
    create; any other goes through the body and its validation, as sent. (Every volume-backed
    createImage sends one per volume: the body's dicts, its validation's frames and the
    loop over its name fields, some 8,000 instructions, are not needed for these.)"""
    if (
        type(volume_id) is str
        and _CANONICAL_UUID.fullmatch(volume_id)
        and (force is True or force is False)
        and (name is None or (type(name) is str and len(name) <= 255 and name.isprintable()))
        and (
            description is None
            or (type(description) is str and len(description) <= 255 and description.isprintable())
        )
        and not (force is False and version >= SNAPSHOT_IN_USE)
    ):
        volume = cinder.volume_api.get(context, volume_id)
        return cinder.snapshot_api.create(
            context,
            volume,
            name if name is None else name.strip(),
            description if description is None else description.strip(),
            force=force,
            metadata={},
            allow_in_use=not force and version.key >= SNAPSHOT_IN_USE.key,
        )
    body = {
        "snapshot": {
            "volume_id": volume_id,
            "force": force,
            "name": name,
            "description": description,
            "metadata": {},
        }
    }
    return create_snapshot(cinder, context, body, version)


def update_snapshot(cinder: Any, context: Any, snapshot_id: str, body: Any) -> Snapshot:
    """``SnapshotsController.update``."""
    validation.validate(validation.SNAPSHOT_UPDATE, body)
    fields = dict(body["snapshot"])
    clean_name_and_description(fields)
    if "name" in fields:
        fields["display_name"] = fields.pop("name")
    if "description" in fields:
        fields["display_description"] = fields.pop("description")
    snapshot = cinder.snapshot_api.get(context, snapshot_id)
    cinder.snapshot_api.update(context, snapshot, fields)
    return snapshot


def snapshot_action(cinder: Any, context: Any, snapshot_id: str, body: Any) -> int:
    """``POST /snapshots/{id}/action``; returns the answer's status code."""
    action = action_of(body)
    api = cinder.snapshot_api
    if cinder.kernel.switches.series.cinder <= validation.QUEENS and action in (
        "os-reset_status",
        "os-update_snapshot_status",
    ):
        _queens_snapshot_action(api, context, snapshot_id, action, body[action])
    elif action == "os-reset_status":
        validation.validate(validation.RESET_STATUS_SNAPSHOT, body)
        snapshot = api.get(context, snapshot_id)
        api.reset_status(context, snapshot, body[action]["status"].lower())
    elif action == "os-force_delete":
        validation.validate(validation.FORCE_DELETE, body)
        api.force_delete(context, api.get(context, snapshot_id))
    elif action == "os-update_snapshot_status":
        validation.validate(validation.UPDATE_SNAPSHOT_STATUS, body)
        snapshot = api.get(context, snapshot_id)
        api.update_status(context, snapshot, body[action]["status"], body[action].get("progress"))
    elif action == "os-unmanage":
        if cinder.kernel.switches.series.cinder > validation.QUEENS:
            validation.validate(validation.SNAPSHOT_UNMANAGE, body)
        api.unmanage(context, api.get(context, snapshot_id))
    else:
        raise no_such_action(action)
    return 202


def _queens_snapshot_action(api: Any, context: Any, snapshot_id: str, action: str, args: Any):
    """Queens' snapshot actions (no ``schemas/snapshot_actions.py`` before 13.0.0):
    ``AdminController.validate_update`` before the lookup (``admin_actions.py``), and
    ``_update_snapshot_status`` with its own progress check after the status map
    (``snapshot_actions.py``, 12.0.10)."""
    if action == "os-reset_status":
        # ``body['status'].lower()``: its TypeError and KeyError caught, not the
        # AttributeError of a status that is no text (FaultWrapper's 500)
        if not isinstance(args, dict) or "status" not in args:
            raise bad_request("Must specify 'status'")
        status = args["status"]
        if not isinstance(status, str):
            raise exception.CinderException()
        if status.lower() not in SNAPSHOT_STATUSES:
            raise bad_request("Must specify a valid status")
        api.reset_status(context, api.get(context, snapshot_id), status.lower())
        return
    # ``body[action]['status']``: its KeyError caught; arguments that are no object are a
    # TypeError, WebOb's plain 400
    if not isinstance(args, dict):
        raise bad_request(_TYPE_ERROR_400)
    if "status" not in args:
        raise bad_request("'status' must be specified.")
    snapshot = api.get(context, snapshot_id)
    api.update_status(
        context, snapshot, args["status"], args.get("progress"), progress_check=_queens_progress
    )


def _queens_progress(progress: Any) -> None:
    """``_update_snapshot_status``'s check of a progress string like ``73%`` (one message); one
    that is no text is ``progress[:-1]``'s or ``int``'s TypeError, WebOb's plain 400."""
    message = "progress must be an integer percentage"
    if not isinstance(progress, str):
        raise bad_request(_TYPE_ERROR_400)
    try:
        integer = int(progress[:-1])
    except ValueError:
        raise bad_request(message) from None
    if integer < 0 or integer > 100 or progress[-1] != "%":
        raise bad_request(message)


# -- volumes ----------------------------------------------------------------------------------


def volume_create_schema(version: Version) -> dict[str, Any]:
    """The create schema in force at `version`."""
    key = version.key
    if key >= SUPPORT_VOLUME_SCHEMA_CHANGES.key:
        return validation.VOLUME_CREATE_V353
    if key >= VOLUME_CREATE_FROM_BACKUP.key:
        return validation.VOLUME_CREATE_V347
    if key >= GROUP_VOLUME.key:
        return validation.VOLUME_CREATE_V313
    return validation.VOLUME_CREATE


def create_volume(cinder: Any, context: Any, body: Any, version: Version) -> Volume:
    """``VolumeController.create``: schema, lookups of type/snapshot/source/image, create.
    Queens (Cinder 12) had no schema: `_queens_volume_body` checks what its controller checked,
    and the ids are checked as each lookup comes (`_queens_uuid`)."""
    queens = cinder.kernel.switches.series.cinder <= validation.QUEENS
    if queens:
        volume = _queens_volume_body(body)
    else:
        schema = volume_create_schema(version)
        validation.validate(validation.for_release(schema, cinder.kernel.switches), body)
        volume = dict(body["volume"])
        clean_name_and_description(volume)
    return _create_volume(cinder, context, volume, version, queens)


def create_volume_of(
    cinder: Any,
    context: Any,
    size: Any,
    snapshot_id: Any,
    name: Any,
    description: Any,
    volume_type: Any,
    availability_zone: Any,
    image_ref: Any,
    version: Version,
) -> Volume:
    """`create_volume` of the body Nova's Cinder client sends (those values, an empty
    ``metadata`` and null ``consistencygroup_id`` and ``source_volid``), given as its values:
    the same answer and errors. Values every series' body check surely accepts (an integer
    size in range or None, a canonical snapshot UUID or None, names and a type of at most 255
    characters or None, a zone of 1 to 255, an image reference of at most 255) go straight to
    the lookups and the create, names stripped as the body's are; any other goes through the
    body, as sent. (Every volume a boot makes sends one: the body's dicts and its check of
    ten keys are not needed for these.)"""
    if (
        _size_ok(size)
        and (
            snapshot_id is None
            or (type(snapshot_id) is str and _CANONICAL_UUID.fullmatch(snapshot_id))
        )
        and (name is None or (type(name) is str and len(name) <= 255))
        and (description is None or (type(description) is str and len(description) <= 255))
        and (volume_type is None or (type(volume_type) is str and len(volume_type) <= 255))
        and (
            availability_zone is None
            or (type(availability_zone) is str and 1 <= len(availability_zone) <= 255)
        )
        and (image_ref is None or (type(image_ref) is str and len(image_ref) <= 255))
    ):
        volume = volume_create_body(
            size,
            snapshot_id,
            name if name is None else name.strip(),
            description if description is None else description.strip(),
            volume_type,
            availability_zone,
            image_ref,
        )["volume"]
        queens = cinder.kernel.switches.series.cinder <= validation.QUEENS
        return _create_volume(cinder, context, volume, version, queens)
    body = volume_create_body(
        size, snapshot_id, name, description, volume_type, availability_zone, image_ref
    )
    return create_volume(cinder, context, body, version)


def volume_create_body(
    size: Any,
    snapshot_id: Any,
    name: Any,
    description: Any,
    volume_type: Any,
    availability_zone: Any,
    image_ref: Any,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ``POST /volumes`` body Nova's Cinder client sends for these values (a copy of
    `metadata`, or an empty one; null ``consistencygroup_id`` and ``source_volid``)."""
    return {
        "volume": {
            "size": size,
            "consistencygroup_id": None,
            "snapshot_id": snapshot_id,
            "name": name,
            "description": description,
            "volume_type": volume_type,
            "availability_zone": availability_zone,
            "metadata": dict(metadata) if metadata else {},
            "imageRef": image_ref,
            "source_volid": None,
        }
    }


def _size_ok(size: Any) -> bool:
    return size is None or (type(size) is int and 1 <= size <= validation.DB_MAX_INT)


def _create_volume(
    cinder: Any, context: Any, volume: dict[str, Any], version: Version, queens: bool
) -> Volume:
    """`create_volume` after the body's check: `volume`, the body's own dict (a copy, names
    stripped), read for the lookups and the create."""
    if queens and not version.key >= GROUP_VOLUME.key:
        volume.pop("group_id", None)  # Queens drops it before 3.13 (the schemas read it)
    if "name" in volume:
        volume["display_name"] = volume.pop("name")
    if "description" in volume:
        volume["display_description"] = volume.pop("description")
    if "image_id" in volume:
        volume["imageRef"] = volume.pop("image_id")
    kwargs: dict[str, Any] = {}
    if volume.get("volume_type"):
        kwargs["volume_type"] = cinder.volume_type(volume["volume_type"], context)
    elif cinder.kernel.switches.lp1879578:
        # get_by_name_or_id(context, get_default_volume_type()['id']): the default type asked
        # here, before the create flow could take the source's
        kwargs["volume_type"] = cinder.volume_type(cinder.default_type.id, context)
    kwargs["metadata"] = volume.get("metadata")
    snapshot_id = volume.get("snapshot_id")
    if queens and snapshot_id is not None:
        _queens_uuid(snapshot_id, "Snapshot ID must be in UUID form.")
    kwargs["snapshot"] = (
        cinder.snapshot_api.get(context, snapshot_id) if snapshot_id is not None else None
    )
    source_volid = volume.get("source_volid")
    if queens and source_volid is not None:
        _queens_uuid(source_volid, f"Source volume ID '{source_volid}' must be a valid UUID.")
    kwargs["source_volume"] = (
        cinder.volume_api.get(context, source_volid) if source_volid is not None else None
    )
    for key in ("consistencygroup_id", "group_id"):  # both name a group; the last one wins
        group = volume.get(key)
        if queens and key == "consistencygroup_id" and group is not None:
            _queens_uuid(group, f"Consistency group ID '{group}' must be a valid UUID.")
        if group is not None:
            kwargs["group"] = cinder.group_api.get(context, group)
    image_ref = volume.get("imageRef")
    if image_ref is not None:
        image, read = _image_of_ref(cinder, context, image_ref)
        image_snapshot = _image_snapshot(cinder, context, image)
        if version.key >= SUPPORT_NOVA_IMAGE.key and image_snapshot is not None:
            kwargs["snapshot"] = image_snapshot
        else:
            kwargs["image_id"] = image["id"]
            # the create's own read of it comes next, with nothing run between
            kwargs["image_read"] = read
    # Queens reads a backup only from 3.47; the schemas' own extra keys let it through before.
    backup_id = volume.get("backup_id")
    if queens and not version.key >= VOLUME_CREATE_FROM_BACKUP.key:
        backup_id = None
    if backup_id:
        if queens:
            _queens_uuid(backup_id, "Backup ID must be in UUID form.")
        kwargs["backup"] = cinder.backup_api.get(context, backup_id)
    size = volume.get("size")
    if size is None and kwargs["snapshot"] is not None:
        size = kwargs["snapshot"].volume_size
    elif size is None and kwargs["source_volume"] is not None:
        size = kwargs["source_volume"].size
    elif size is None and kwargs.get("backup") is not None:
        size = kwargs["backup"].size
    kwargs["availability_zone"] = volume.get("availability_zone")
    if not cinder.kernel.switches.cinder_multiattach_param:
        if get_bool_param("multiattach", volume):
            raise bad_request(MULTIATTACH_REMOVED_MSG)
    else:
        # Deprecated since Queens, and read as it is (``volume.get('multiattach', False)``,
        # then a boolean column): any true value, even the string "false", asks for it.
        kwargs["multiattach"] = bool(volume.get("multiattach", False))
    return cinder.volume_api.create(
        context, size, volume.get("display_name"), volume.get("display_description"), **kwargs
    )


def _queens_volume_body(body: Any) -> dict[str, Any]:
    """What Queens' ``VolumeController.create`` checks before its lookups (12.0.10): the body
    (``assert_valid_body``), then ``validate_name_and_description`` (strings stripped; any
    value not a string or longer than 255 refused) and the replica source."""
    validation.assert_valid_body(body, "volume")
    volume = dict(body["volume"])
    queens_name_and_description(volume)
    if volume.get("source_replica"):
        raise exception.InvalidInput(
            reason="Creating a volume from a replica source was part of the replication v1 "
            "implementation which is no longer available."
        )
    if not _hashable_text(volume.get("volume_type")):
        raise exception.VolumeTypeNotFoundByName(volume_type_name=volume["volume_type"])
    return volume


#: The keys Queens' ``VolumeController.update`` takes from its body (12.0.10 v2/volumes.py).
_QUEENS_UPDATE_KEYS = ("name", "description", "display_name", "display_description", "metadata")


def _queens_update_body(body: Any) -> dict[str, Any]:
    """What Queens' ``VolumeController.update`` (12.0.10, no schema) takes: the body and its
    ``volume`` present, the five keys it knows picked out and any other ignored, the names
    checked by ``validate_name_and_description``; the metadata is the volume API's
    ``check_metadata_properties``. A ``volume`` that is no object keeps 13.0.0's schema answer
    (Queens' ``key in volume`` on it is a substring test or a ``TypeError``, its 500)."""
    if not body:
        raise bad_request("Missing request body")
    if not isinstance(body, dict) or not isinstance(body.get("volume"), dict):
        if isinstance(body, dict) and "volume" in body:
            validation.validate(validation.VOLUME_UPDATE, body)
        raise bad_request("Missing required element 'volume' in request body")
    volume = body["volume"]
    fields = {key: volume[key] for key in _QUEENS_UPDATE_KEYS if key in volume}
    queens_name_and_description(fields)
    return fields


def queens_name_and_description(entity: dict[str, Any]) -> None:
    """``wsgi.Controller.validate_name_and_description`` (12.0.10): each of the four names
    stripped in `entity`, a value not a string or longer than 255 refused."""
    for key in ("name", "description", "display_name", "display_description"):
        value = entity.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise bad_request(f"Invalid input received: {key} is not a string or unicode")
        entity[key] = value = value.strip()
        if len(value) > 255:
            raise bad_request(
                f"Invalid input received: {key} has {len(value)} characters, more than 255."
            )


def _hashable_text(value: Any) -> bool:
    # A type named by something no name can be (a list, an object) is not found; Queens
    # queried its database with it.
    return value is None or isinstance(value, (str, int, float, bool))


def _queens_uuid(value: Any, message: str) -> None:
    """Queens' ``uuidutils.is_uuid_like`` checks of the ids a create names (a 400)."""
    if not validation.is_uuid_like(value):
        raise bad_request(message)


def image_from_ref(cinder: Any, context: Any, image_ref: Any) -> dict[str, Any]:
    """``VolumeController._image_uuid_from_ref`` (cinder 12.0.10-29.0.0): the image of the
    last path segment, if it is one; else the one image the caller sees named `image_ref` (409
    "Multiple matches found for 'X', use an ID to be more specific." for several). Its
    metadata (at least ``id`` and ``properties``), as the image service read it."""
    return _image_of_ref(cinder, context, image_ref)[0]


def _image_of_ref(cinder: Any, context: Any, image_ref: Any) -> tuple[dict[str, Any], Any]:
    """`image_from_ref`, and the read by id it came from (`GlanceImageService.shown`; None
    for an image found by name)."""
    try:
        image_uuid = image_ref.split("/").pop()
    except AttributeError:
        raise bad_request("Invalid imageRef provided.")
    if validation.is_uuid_like(image_uuid):
        try:
            read = cinder.image_service.shown(context, image_uuid)
            return read.meta, read
        except (exception.CinderException, ValueError):  # Cinder passes any error
            pass
    try:
        images = cinder.image_service.detail(context, filters={"name": image_ref})
    except Exception:  # noqa: BLE001 - Cinder passes any other error to the 400 below
        images = []
    if len(images) > 1:
        raise exception.Explained(
            f"Multiple matches found for '{image_ref}', use an ID to be more specific.", code=409
        )
    if images:
        return images[0], None
    raise bad_request("Invalid image identifier or unable to access requested image.")


def _image_snapshot(cinder: Any, context: Any, image: dict[str, Any]) -> Snapshot | None:
    """``VolumeController._get_image_snapshot`` (cinder 12.0.0 on): the Cinder snapshot a
    Nova snapshot of a volume-backed server names as its boot disk (the image's
    ``block_device_mapping``, JSON as Glance holds it: a ``snapshot`` source at boot index 0),
    else None; 404 "Nova specific image is found, but boot volume snapshot id:X not found."
    when the caller cannot see that snapshot (at any microversion: the lookup comes first).
    Real Cinder reads the image once more for this; fakecloud reuses the read it made (the
    trace shows the two reads of every create from an image)."""
    boot = boot_snapshot_mapping(image)
    return None if boot is None else boot_snapshot(cinder, context, boot)


def boot_snapshot_mapping(image: dict[str, Any]) -> dict[str, Any] | None:
    """The mapping of a Nova snapshot image's boot disk: the first ``snapshot`` source at boot
    index 0 of its ``block_device_mapping`` (JSON as Glance holds it, decoded as Cinder's image
    service decodes it), or None."""
    bdms = image.get("properties", {}).get("block_device_mapping")
    if isinstance(bdms, str):
        try:
            bdms = json.loads(bdms)
        except ValueError:
            return None
    if not bdms or not isinstance(bdms, list):
        return None
    for bdm in bdms:
        if (
            isinstance(bdm, dict)
            and bdm.get("source_type") == "snapshot"
            and bdm.get("boot_index") == 0
        ):
            return bdm
    return None


def boot_snapshot(cinder: Any, context: Any, boot: dict[str, Any]) -> Snapshot:
    """The snapshot `boot` (`boot_snapshot_mapping`) names, as the caller sees it; else 404
    "Nova specific image is found, but boot volume snapshot id:X not found."."""
    snapshot_id = boot.get("snapshot_id")
    try:
        return cinder.snapshot_api.get(context, snapshot_id)
    except exception.NotFound:
        raise exception.Explained(
            f"Nova specific image is found, but boot volume snapshot id:{snapshot_id} not found.",
            code=404,
        ) from None


def update_volume(cinder: Any, context: Any, volume_id: str, body: Any, version: Version) -> Volume:
    """``VolumeController.update``: the series' schema (13.0.0 on), Queens' hand checks before."""
    if cinder.kernel.switches.series.cinder <= validation.QUEENS:
        fields = _queens_update_body(body)
    else:
        schema = (
            validation.VOLUME_UPDATE_V353
            if version >= SUPPORT_VOLUME_SCHEMA_CHANGES
            else validation.VOLUME_UPDATE
        )
        validation.validate(validation.for_release(schema, cinder.kernel.switches), body)
        fields = dict(body["volume"])
        clean_name_and_description(fields)
    for src, dst in (("name", "display_name"), ("description", "display_description")):
        if src in fields:
            fields[dst] = fields.pop(src)
    volume = cinder.volume_api.get(context, volume_id)
    cinder.volume_api.update(context, volume, fields)
    return volume


def delete_volume(
    cinder: Any, context: Any, volume_id: str, params: dict[str, Any], version: Version
) -> None:
    """``VolumeController.delete``: ``cascade`` always, ``force`` from 3.23 (admin; from 3.2,
    ``VOLUME_LIST_BOOTABLE``, with switch ``cinder_delete_force_from_3_2``)."""
    cascade = get_bool_param("cascade", params)
    since = VOLUME_LIST_BOOTABLE if cinder.kernel.switches.cinder_delete_force_from_3_2 else None
    force_from = (since or VOLUME_DELETE_FORCE).key
    force = get_bool_param("force", params) if version.key >= force_from else False
    volume = cinder.volume_api.get(context, volume_id)
    if force:
        policy.authorize(
            context, "volume:force_delete", volume.project_id, cinder.policy_rules, volume.user_id
        )
    cinder.volume_api.delete(context, volume, cascade=cascade, force=force)


#: Volume actions: name -> (schema, status code answered).
VOLUME_ACTIONS = {
    "os-reserve": (validation.RESERVE, 202),
    "os-unreserve": (validation.UNRESERVE, 202),
    "os-begin_detaching": (validation.BEGIN_DETACHING, 202),
    "os-roll_detaching": (validation.ROLL_DETACHING, 202),
    "os-attach": (validation.ATTACH, 202),
    "os-detach": (validation.DETACH, 202),
    "os-terminate_connection": (validation.TERMINATE_CONNECTION, 202),
    "os-set_bootable": (validation.SET_BOOTABLE, 200),
    "os-reset_status": (validation.RESET_STATUS_VOLUME, 202),
    "os-force_delete": (validation.FORCE_DELETE, 202),
    "os-extend": (validation.EXTEND, 202),
    "os-retype": (validation.RETYPE, 202),
    "os-update_readonly_flag": (validation.UPDATE_READONLY_FLAG, 202),
}


def volume_action(
    cinder: Any, context: Any, volume_id: str, body: Any, version: Version | None = None
) -> int:
    """``POST /volumes/{id}/action``; returns the answer's status code."""
    action = action_of(body)
    entry = VOLUME_ACTIONS.get(action)
    if entry is None:
        raise no_such_action(action)
    schema, status = entry
    queens = action in QUEENS_ACTIONS and cinder.kernel.switches.series.cinder <= (
        validation.QUEENS
    )
    if not queens:
        validation.validate(schema, body)
    elif action == "os-reset_status":  # admin_actions.py reads it before the lookup
        body = {action: _queens_reset_args(body[action])}
    api = cinder.volume_api
    volume = api.get(context, volume_id)
    if queens and action != "os-reset_status":
        # Queens (12.0.10 contrib/volume_actions.py) had no schema: each action reads its
        # body after the volume lookup.
        body = {action: _queens_action_args(action, body[action])}
    args = body[action] or {}
    if action == "os-reserve":
        api.reserve_volume(context, volume)
    elif action == "os-unreserve":
        api.unreserve_volume(context, volume)
    elif action == "os-begin_detaching":
        api.begin_detaching(context, volume)
    elif action == "os-roll_detaching":
        api.roll_detaching(context, volume)
    elif action == "os-attach":
        api.attach(
            context,
            volume,
            args.get("instance_uuid"),
            args.get("host_name"),
            args["mountpoint"],
            args.get("mode", "rw"),
        )
    elif action == "os-detach":
        api.detach(context, volume, args.get("attachment_id"))
    elif action == "os-terminate_connection":
        terminate_connection(api, context, volume, args["connector"])
    elif action == "os-set_bootable":
        api.set_bootable(context, volume, validation.bool_from_string(args["bootable"]))
    elif action == "os-reset_status":
        api.reset_status(
            context,
            volume,
            (args.get("status") or "").lower() or None,
            (args.get("attach_status") or "").lower() or None,
            (args.get("migration_status") or "").lower() or None,
        )
    elif action == "os-extend":
        # From 3.42 an in-use volume is extended as attached (extend_attached_volume).
        attached = (
            version is not None and version >= VOLUME_EXTEND_INUSE and volume.status == "in-use"
        )
        api.extend(context, volume, int(args["new_size"]), attached=attached)
    elif action == "os-retype":
        api.retype(context, volume, args["new_type"], args.get("migration_policy"))
    elif action == "os-update_readonly_flag":
        api.update_readonly_flag(context, volume, validation.bool_from_string(args["readonly"]))
    else:  # os-force_delete
        policy.authorize(
            context,
            "volume_extension:volume_admin_actions:force_delete",
            volume.project_id,
            cinder.policy_rules,
            volume.user_id,
        )
        api.delete(context, volume, force=True)
    return status


INITIALIZE_CONNECTION = "os-initialize_connection"


def initialize_connection(cinder: Any, context: Any, volume_id: str, body: Any) -> dict[str, Any]:
    """``VolumeActionsController._initialize_connection`` (12.0.10 to 29.0.0): the body's
    schema (Queens: ``connector`` read after the lookup), the volume, then
    `VolumeAPI.initialize_connection`, whose backend failure is the API's own 500; answers
    the ``connection_info``."""
    queens = cinder.kernel.switches.series.cinder <= validation.QUEENS
    if not queens:
        validation.validate(validation.INITIALIZE_CONNECTION, body)
    volume = cinder.volume_api.get(context, volume_id)
    args = (
        _queens_action_args(INITIALIZE_CONNECTION, body[INITIALIZE_CONNECTION])
        if queens
        else body[INITIALIZE_CONNECTION]
    )
    try:
        return cinder.volume_api.initialize_connection(context, volume, args["connector"])
    except exception.VolumeBackendAPIException:
        raise exception.Explained("Unable to fetch connection information from backend.") from None


def terminate_connection(api: Any, context: Any, volume: Any, connector: Any) -> None:
    """`VolumeAPI.terminate_connection`, the backend's failure the controller's 500 (both
    ``os-terminate_connection`` and ``os-force_detach`` catch it)."""
    try:
        api.terminate_connection(context, volume, connector)
    except exception.VolumeBackendAPIException:
        raise exception.Explained("Unable to terminate volume connection from backend.") from None


#: The volume actions whose Queens checks `_queens_action_args` makes (the others keep the
#: later schemas: see docs/conformance.md).
QUEENS_ACTIONS = frozenset(
    (
        "os-extend",
        "os-update_readonly_flag",
        "os-set_bootable",
        "os-retype",
        "os-attach",
        "os-detach",
        "os-reset_status",
        "os-terminate_connection",
    )
)
#: The one required key of each, and Queens' 400 when it is missing.
_QUEENS_REQUIRED = {
    "os-extend": ("new_size", "New volume size must be specified as an integer."),
    "os-update_readonly_flag": ("readonly", "Must specify readonly in request."),
    "os-set_bootable": ("bootable", "Must specify bootable in request."),
    "os-retype": ("new_type", "New volume type must be specified."),
}


#: WebOb's ``HTTPBadRequest()`` text: Queens' ``ResourceExceptionHandler`` answers it for a
#: ``TypeError`` of a controller method (12.0.10 ``api/openstack/wsgi.py``).
_TYPE_ERROR_400 = GENERIC[400]


def _queens_action_args(action: str, args: Any) -> dict[str, Any]:
    """One Queens volume action's arguments, checked as its controller method checks them
    (``_extend``, ``_volume_readonly_update``, ``_set_bootable``, ``_retype``, 12.0.10).
    Arguments that are no object make ``body[action][key]`` a ``TypeError``: ``_extend``
    catches it, the others answer WebOb's plain 400."""
    if action == "os-attach":
        return _queens_attach_args(args)
    if action == "os-detach":
        return _queens_detach_args(args)
    if action in ("os-terminate_connection", INITIALIZE_CONNECTION):
        # `body[action]['connector']`, its KeyError caught
        if not isinstance(args, dict):
            raise bad_request(_TYPE_ERROR_400)
        if "connector" not in args:
            raise bad_request("Must specify 'connector'")
        return args
    key, missing = _QUEENS_REQUIRED[action]
    if not isinstance(args, dict):
        raise bad_request(missing if action == "os-extend" else _TYPE_ERROR_400)
    if key not in args:
        raise bad_request(missing)
    value = args[key]
    if action == "os-extend":
        try:
            return {"new_size": int(value)}
        except (ValueError, TypeError):
            raise bad_request(missing) from None
    if action == "os-retype":
        if not (isinstance(value, str) or _hashable_text(value)):
            raise exception.VolumeTypeNotFoundByName(volume_type_name=value)
        return {"new_type": value, "migration_policy": args.get("migration_policy")}
    return {key: _queens_bool(key, value)}


def _queens_attach_args(args: Any) -> dict[str, Any]:
    """``_attach`` (12.0.10), run on the JSON value as Queens ran it: ``in`` and ``[]`` on
    arguments that are no object are a ``TypeError`` (WebOb's plain 400) unless ``in`` works
    on them (a string's substrings, a list's items)."""
    try:
        # `in` then `[]`, not `.get`: Queens' own reads, whatever the arguments are
        instance_uuid = args["instance_uuid"] if "instance_uuid" in args else None  # noqa: SIM401
        host_name = args["host_name"] if "host_name" in args else None  # noqa: SIM401
        if "mountpoint" not in args:
            raise bad_request("Must specify 'mountpoint'")
        mountpoint = args["mountpoint"]
        mode = args["mode"] if "mode" in args else "rw"  # noqa: SIM401
    except TypeError:
        raise bad_request(_TYPE_ERROR_400) from None
    if instance_uuid is None and host_name is None:
        raise bad_request("Invalid request to attach volume to an invalid target")
    if mode not in ("rw", "ro"):
        raise bad_request(
            "Invalid request to attach volume with an invalid mode. Attaching mode should be "
            "'rw' or 'ro'"
        )
    return {
        "instance_uuid": instance_uuid,
        "host_name": host_name,
        "mountpoint": mountpoint,
        "mode": mode,
    }


def _queens_detach_args(args: Any) -> dict[str, Any]:
    """``_detach`` (12.0.10): empty arguments detach the only attachment; any others are read
    with ``.get``, an ``AttributeError`` (``FaultWrapper``'s 500) unless they are an object.
    An id that is no string is looked up as its text (a row no such id names)."""
    if not args:
        return {}
    if not isinstance(args, dict):
        raise exception.CinderException()
    attachment_id = args.get("attachment_id")
    if attachment_id is not None and not isinstance(attachment_id, str):
        attachment_id = str(attachment_id)
    return {"attachment_id": attachment_id}


#: ``AdminController.valid_status`` and the volume controller's additions (12.0.10).
_QUEENS_RESET_STATUSES = frozenset(
    (
        "creating",
        "available",
        "deleting",
        "error",
        "error_deleting",
        "error_managing",
        "managing",
        "attaching",
        "in-use",
        "detaching",
        "maintenance",
    )
)
_QUEENS_RESET_FIELDS = (
    ("attach_status", ("attached", "detached"), "Must specify a valid attach status"),
    (
        "migration_status",
        ("migrating", "error", "success", "completing", "none", "starting"),
        "Must specify a valid migration status",
    ),
)


def _queens_reset_args(args: Any) -> dict[str, Any]:
    """``VolumeAdminController.validate_update`` (12.0.10), before the volume lookup:
    ``.get``/``.lower()`` on what is no object or no string are ``AttributeError``s
    (``FaultWrapper``'s 500)."""
    try:
        status = args.get("status")
        update: dict[str, Any] = {}
        valid = False
        if status:
            valid = True
            update["status"] = status.lower()
            if update["status"] not in _QUEENS_RESET_STATUSES:
                raise bad_request("Must specify a valid status")
        for key, allowed, message in _QUEENS_RESET_FIELDS:
            value = args.get(key)
            if value:
                valid = True
                update[key] = value.lower()
                if update[key] not in allowed:
                    raise bad_request(message)
    except AttributeError:
        raise exception.CinderException() from None
    if not valid:
        raise bad_request(
            "Must specify 'status', 'attach_status' or 'migration_status' for update."
        )
    return update


def _queens_bool(key: str, value: Any) -> bool:
    """``strutils.bool_from_string(value, strict=True)`` in Queens' words."""
    from oslo_utils import strutils

    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError as error:
        raise bad_request(f"Invalid value for '{key}': '{error}'") from None


#: ``UPLOAD_IMAGE_PARAMS``: ``visibility`` and ``protected`` in an upload-to-image.
UPLOAD_IMAGE_PARAMS = "3.1"


def volume_upload_image(
    cinder: Any, context: Any, volume_id: str, body: Any, version: Version
) -> dict[str, Any]:
    """``VolumeActionsController._volume_upload_image``: the 202 body's inner dict.

    Any failure of ``copy_volume_to_image`` (a volume in the wrong status, Glance refusing the
    image) is a 400 with its message, as the controller's catch-all makes it.
    """
    v31 = version >= UPLOAD_IMAGE_PARAMS
    params = body["os-volume_upload_image"]
    queens = cinder.kernel.switches.release.series.cinder <= validation.QUEENS
    if queens:
        force = _queens_upload_force(params)
    else:
        validation.validate(
            validation.VOLUME_UPLOAD_IMAGE_V31 if v31 else validation.VOLUME_UPLOAD_IMAGE, body
        )
        force = validation.bool_from_string(params.get("force", "False"))
    volume = cinder.volume_api.get(context, volume_id)
    rules = cinder.policy_rules
    policy.authorize(context, "volume_extension:volume_actions:upload_image", None, rules)
    disk_format = params.get("disk_format", "raw")
    if queens and disk_format not in QUEENS_DISK_FORMATS:  # image_utils.validate_disk_format
        raise bad_request(
            f"Invalid disk-format '{disk_format}' is specified. Allowed disk-formats are "
            f"{', '.join(QUEENS_DISK_FORMATS)}."
        )
    metadata: dict[str, Any] = {
        "container_format": params.get("container_format", "bare"),
        "disk_format": disk_format,
        "name": params["image_name"],
    }
    if v31:
        metadata["visibility"] = params.get("visibility", "private")
        protected = params.get("protected", "False")
        if metadata["visibility"] == "public":
            policy.authorize(context, "volume_extension:volume_actions:upload_public", None, rules)
        if queens:  # utils.get_bool_param, after the public policy
            metadata["protected"] = _queens_bool_param("protected", protected)
        else:
            metadata["protected"] = validation.bool_from_string(protected)
    try:
        return cinder.volume_api.copy_volume_to_image(context, volume, metadata, force)
    except exception.InvalidVolume as error:
        raise bad_request(error.msg) from None
    except ValueError as error:  # the image service's JSON decoding (images.check_convertible)
        raise bad_request(str(error)) from None
    except Exception as error:  # noqa: BLE001 - webob.exc.HTTPBadRequest(explanation=str(error))
        raise bad_request(_explanation(error)) from None


#: ``image_utils.VALID_DISK_FORMATS`` (12.0.10): Queens' own check of an upload's format (the
#: schema's enum from 13.0.0); ``parallels`` is refused before its conversion to ``ploop``.
QUEENS_DISK_FORMATS = ("raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop")


def _queens_bool_param(key: str, value: Any) -> bool:
    """``cinder.utils.get_bool_param`` (12.0.10): ``InvalidParameterValue`` in its words."""
    from oslo_utils import strutils  # imported on use: only Queens' hand-written checks need it

    if not strutils.is_valid_boolstr(value):
        raise exception.InvalidParameterValue(err=f"Value '{value}' for '{key}' is not a boolean.")
    return strutils.bool_from_string(value, strict=True)


def _queens_upload_force(params: Any) -> bool:
    """Queens' ``_volume_upload_image`` (12.0.10) before its volume lookup: no schema, the
    name's presence and a strict ``force``. Arguments that are no object make ``params.get``
    an ``AttributeError``, which no handler catches: ``FaultWrapper``'s 500."""
    if not isinstance(params, dict):
        raise exception.CinderException()
    if not params.get("image_name"):
        raise bad_request("No image_name was specified in request.")
    return _queens_bool("force", params.get("force", "False"))


def _explanation(error: BaseException) -> str:
    return getattr(error, "explanation", None) or getattr(error, "msg", None) or str(error)


# -- attachments ------------------------------------------------------------------------------


def create_attachment(cinder: Any, context: Any, body: Any, version: Version) -> VolumeAttachment:
    """``AttachmentsController.create`` (3.27+; ``mode`` from 3.54)."""
    if not version.key >= NEW_ATTACH.key:
        raise not_found()
    with_mode = version.key >= ATTACHMENT_CREATE_MODE_ARG.key
    v12 = cinder.kernel.switches.cinder_attachment_create_v12_schema
    validation.validate(validation.attachment_create_schema(v12, with_mode), body)
    attachment = body["attachment"]
    volume = cinder.volume_api.get(context, attachment["volume_uuid"])
    mode = attachment.get("mode", "null") if with_mode else "null"
    return _create_attachment(
        cinder, context, volume, attachment.get("instance_uuid"), attachment.get("connector"), mode
    )


def _create_attachment(
    cinder: Any, context: Any, volume: Any, instance_id: Any, connector: Any, mode: str
) -> VolumeAttachment:
    """The create's ``try`` (12.0.10 to 29.0.0): ``NotAuthorized`` and ``InvalidVolume`` pass,
    any other Cinder error (the manager's refusal of the connector, Queens' of a read-only
    volume's mode) is the controller's 500."""
    try:
        return cinder.attachment_api.create(context, volume, instance_id, connector, mode)
    except (exception.NotAuthorized, exception.InvalidVolume):
        raise
    except exception.CinderException as error:
        raise exception.Explained(
            f"Unable to create attachment for volume ({error.msg})."
        ) from None


def create_attachment_of(
    cinder: Any, context: Any, volume_id: Any, instance_id: Any, connector: Any, version: Version
) -> VolumeAttachment:
    """`create_attachment` of the body Nova's Cinder client sends (``instance_uuid``,
    ``connector``, ``volume_uuid``), given as its values: the same answer and errors. Canonical
    UUIDs and a connector that is an object or None, which every series' schema accepts, go
    straight to the volume's lookup and the create; anything else goes through the body."""
    if (
        version.key >= NEW_ATTACH.key
        and type(volume_id) is str
        and _CANONICAL_UUID.fullmatch(volume_id)
        and type(instance_id) is str
        and _CANONICAL_UUID.fullmatch(instance_id)
        and (connector is None or type(connector) is dict)
    ):
        volume = cinder.volume_api.get(context, volume_id)
        return _create_attachment(cinder, context, volume, instance_id, connector, "null")
    body = {
        "attachment": {
            "instance_uuid": instance_id,
            "connector": connector,
            "volume_uuid": volume_id,
        }
    }
    return create_attachment(cinder, context, body, version)


def update_attachment(
    cinder: Any, context: Any, attachment_id: str, body: Any, version: Version
) -> VolumeAttachment:
    """``AttachmentsController.update``."""
    if not version.key >= NEW_ATTACH.key:
        raise not_found()
    validation.validate(validation.ATTACHMENT_UPDATE, body)
    return _update_attachment(cinder, context, attachment_id, body["attachment"]["connector"])


def update_attachment_of(
    cinder: Any, context: Any, attachment_id: str, connector: Any, version: Version
) -> VolumeAttachment:
    """`update_attachment` of the body Nova's Cinder client sends (``{"attachment":
    {"connector": connector}}``), given as its value: a connector that is a non-empty object
    (what the schema accepts) goes straight to the lookup and the update; any other through
    the body."""
    if version.key >= NEW_ATTACH.key and type(connector) is dict and connector:
        return _update_attachment(cinder, context, attachment_id, connector)
    return update_attachment(
        cinder, context, attachment_id, {"attachment": {"connector": connector}}, version
    )


def _update_attachment(
    cinder: Any, context: Any, attachment_id: str, connector: dict[str, Any]
) -> VolumeAttachment:
    """The update's ``try``: with switch ``cinder_attachment_update_conflict_500`` off (Cinder
    27.0.0 and its backports) an ``Invalid`` (the connector's 400, the conflict's 409) passes
    and any other Cinder error is the controller's 500 "Unable to update attachment (...).";
    before, every Cinder error but ``NotAuthorized``
    is its 500 "Unable to update attachment.(...)." (the conflict then an ``InvalidVolume``).
    A Python error (a connector without ``host``) is, in every series, the bare ``except``'s
    500 "Unable to update the attachment."."""
    attachment = cinder.attachment_api.get(context, attachment_id)
    try:
        if "host" not in connector:  # the API's lock name formats ``{connector[host]}`` first
            raise exception.Unexpected("connector without host")
        return cinder.attachment_api.update(context, attachment, connector)
    except exception.Unexpected:
        raise exception.Explained("Unable to update the attachment.") from None
    except exception.NotAuthorized:
        raise
    except exception.CinderException as error:
        if not cinder.kernel.switches.cinder_attachment_update_conflict_500:
            if isinstance(error, exception.Invalid):
                raise
            raise exception.Explained(f"Unable to update attachment ({error.msg}).") from None
        if isinstance(error, exception.ResourceConflict):
            error = exception.InvalidVolume(reason=error.kwargs["reason"])
        raise exception.Explained(f"Unable to update attachment.({error.msg}).") from None


def attachment_action(
    cinder: Any, context: Any, attachment_id: str, body: Any, version: Version
) -> int:
    """``POST /attachments/{id}/action``: only ``os-complete`` (3.44+), answered 204, or 202
    with switch ``cinder_attachment_answers_202`` (``AttachmentsController.complete``'s
    ``@wsgi.response(202)``, Cinder 12.0.0-12.0.6)."""
    # the action is looked up before the microversion of its method is asked
    # (``get_method``, then ``dispatch``): an unknown one is its 400 at any microversion
    action = action_of(body)
    if action != "os-complete":
        raise no_such_action(action)
    if not version.key >= NEW_ATTACH_COMPLETION.key:  # NEW_ATTACH's 404 too (3.27 < 3.44)
        raise not_found()
    validation.validate(validation.ATTACHMENT_COMPLETE, body)
    cinder.attachment_api.complete(context, cinder.attachment_api.get(context, attachment_id))
    return 202 if cinder.kernel.switches.cinder_attachment_answers_202 else 204


def complete_attachment(cinder: Any, context: Any, attachment_id: str, version: Version) -> None:
    """`attachment_action` of the one body Nova's Cinder client sends, ``{"os-complete":
    null}`` (an ``os-complete`` the schema accepts): the microversion gates, the lookup and
    the completion, without the body's reading."""
    if not version.key >= NEW_ATTACH_COMPLETION.key:  # NEW_ATTACH's 404 too (3.27 < 3.44)
        raise not_found()
    cinder.attachment_api.complete(context, cinder.attachment_api.get(context, attachment_id))


def delete_attachment(
    cinder: Any, context: Any, attachment_id: str, version: Version
) -> list[VolumeAttachment]:
    """``AttachmentsController.delete``: returns the volume's attachments left."""
    if not version.key >= NEW_ATTACH.key:
        raise not_found()
    attachment = cinder.attachment_api.get(context, attachment_id)
    return cinder.attachment_api.delete(context, attachment)
