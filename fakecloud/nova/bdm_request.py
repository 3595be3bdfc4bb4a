"""The block device mappings of a boot request as Nova's API reads them, before any service is
asked (``servers.py`` ``_process_bdms_for_create``, ``block_device.py`` ``BlockDeviceDict``
``from_api``/``_validate``/``from_legacy``/``from_legacy_mapping``), and the checks of the
merged list that need only the flavor (``compute/api.py`` ``_validate_bdm``'s tail).

Read in nova 17.0.13, 20.6.1, 25.2.1, 29.0.0 and 34.0.0; the one difference among them is
`image_local_root_needs_ref` (53eb2cdeab, LP #2077980: an empty ``imageRef`` no longer lets an
image-to-local root through). Every refusal is `InvalidBDMFormat` (400 "Block Device Mapping is
Invalid: ...") or, for a mapping whose ``source_type`` is missing while ``uuid`` is given,
the ``TypeError`` of ``source_type + '_id'`` (Nova's 500).
"""

from __future__ import annotations

import re
from typing import Any

from fakecloud import late
from fakecloud.nova import exception


class SourceTypeMissing(TypeError):
    """``api_dict[source_type + '_id']`` of a mapping with a ``uuid`` and no ``source_type``
    (the schema does not require it): Nova's own TypeError, which ``FaultWrapper`` answers with
    its unexpected-error 500 (``<class 'TypeError'>``)."""

    real_class_path = "TypeError"


#: ``from_legacy``'s fields copied over (``bdm_legacy_fields & bdm_new_fields``).
_LEGACY_COPIED = (
    "device_name",
    "delete_on_termination",
    "snapshot_id",
    "volume_id",
    "volume_size",
    "no_device",
    "connection_info",
)
#: ``fields.DiskBus.ALL`` (the same from 20.4.1 to 34.0.0).
DISK_BUSES = frozenset(("fdc", "ide", "sata", "scsi", "usb", "virtio", "xen", "lxc", "uml"))
#: ``[DEFAULT] max_local_block_devices``'s default.
MAX_LOCAL_BLOCK_DEVICES = 3
#: ``[DEFAULT] default_ephemeral_format``'s default (None: the driver's own).
DEFAULT_EPHEMERAL_FORMAT = None


def _invalid(details: str) -> exception.InvalidBDMFormat:
    return exception.InvalidBDMFormat(details=details)


def from_request(server: dict[str, Any], local_root_needs_ref: bool) -> tuple[list, bool]:
    """``_process_bdms_for_create``: the request's mappings as ``BlockDeviceDict`` dicts and
    whether they are legacy ones (none at all counts as legacy). Both syntaxes at once is
    `InvalidRequest`, a v2 mapping ``from_api`` refuses `InvalidBDMFormat`.
    `local_root_needs_ref`: an empty ``imageRef`` does not count as an image asked for
    (53eb2cdeab; before, only an absent one did not)."""
    legacy = server.get("block_device_mapping") or []
    v2 = server.get("block_device_mapping_v2") or []
    if legacy and v2:
        raise exception.InvalidRequest(
            "Using different block_device_mapping syntaxes is not allowed in the same request."
        )
    if legacy:
        strutils = late.module("oslo_utils.strutils")  # on use: ~400 regexes compiled
        out = []
        for bdm in legacy:
            bdm = dict(bdm)
            if "delete_on_termination" in bdm:
                bdm["delete_on_termination"] = strutils.bool_from_string(
                    bdm["delete_on_termination"]
                )
            out.append(bdm)
        return out, True
    if not v2:
        # No mapping at all: ``API.create``'s default, ``legacy_bdm=True`` (then
        # ``from_legacy_mapping`` adds the image's root mapping).
        return [], True
    image_ref = server.get("imageRef")
    specified = image_ref not in (None, "") if local_root_needs_ref else image_ref is not None
    return [from_api(dict(bdm), specified) for bdm in v2], False


def from_api(api_dict: dict[str, Any], image_uuid_specified: bool) -> dict[str, Any]:
    """``BlockDeviceDict.from_api``: the ``uuid`` moved to ``<source_type>_id``, an image
    mapped to a local disk only as the root of an image boot, ``volume_type`` only for a new
    volume."""
    if not api_dict.get("no_device"):
        source_type = api_dict.get("source_type")
        device_uuid = api_dict.get("uuid")
        destination_type = api_dict.get("destination_type")
        volume_type = api_dict.get("volume_type")
        if source_type == "blank" and device_uuid:
            raise _invalid("Invalid device UUID.")
        if source_type != "blank":
            if not device_uuid:
                raise _invalid("Missing device UUID.")
            if source_type is None:
                raise SourceTypeMissing('unsupported operand type(s) for +: "NoneType" and "str"')
            api_dict[source_type + "_id"] = device_uuid
        if source_type == "image" and destination_type == "local":
            boot_index = api_dict.get("boot_index", -1)
            boot_index = -1 if boot_index is None else int(boot_index)
            if not (image_uuid_specified and boot_index == 0):
                raise _invalid("Mapping image to local is not supported.")
        if destination_type == "local" and volume_type:
            raise _invalid("Specifying a volume_type with destination_type=local is not supported.")
        if source_type == "volume" and volume_type:
            raise _invalid("Specifying volume type to existing volume is not supported.")
    api_dict.pop("uuid", None)
    return block_device_dict(api_dict)


def block_device_dict(bdm: dict[str, Any]) -> dict[str, Any]:
    """``BlockDeviceDict(bdm)``: checked (`_validate`), the device name under ``/dev/``,
    ``delete_on_termination`` a bool. Nova also sets every other field to None; here an unset
    field is absent (read with ``.get``), which is the same to every reader."""
    _validate(bdm)
    if bdm.get("device_name"):
        bdm["device_name"] = prepend_dev(bdm["device_name"])
    bdm["delete_on_termination"] = bool(bdm.get("delete_on_termination"))
    return bdm


def _validate(bdm: dict[str, Any]) -> None:
    """``BlockDeviceDict._validate`` (the schema has already refused unknown fields, empty or
    spaced device names and non-numeric sizes): a ``no_device`` mapping is not checked."""
    if bdm.get("no_device"):
        return
    if "source_type" not in bdm:
        raise _invalid("Some required fields are missing")
    if "delete_on_termination" in bdm:
        bool_from_string = late.module("oslo_utils.strutils").bool_from_string  # on use
        bdm["delete_on_termination"] = bool_from_string(bdm["delete_on_termination"])
    if bdm.get("volume_size"):
        bdm["volume_size"] = int(bdm["volume_size"])  # ``validate_integer``: digits only
    if bdm.get("boot_index"):
        bdm["boot_index"] = int(bdm["boot_index"])


def prepend_dev(device_name: str) -> str:
    """``block_device.prepend_dev``: the name under ``/dev/``."""
    return "/dev/" + device_name.removeprefix("/dev/")


def from_legacy(legacy_bdm: dict[str, Any]) -> dict[str, Any]:
    """``BlockDeviceDict.from_legacy``: a swap or ``ephemeralN`` virtual name is a local blank
    disk, a snapshot or a volume a volume; anything else but ``no_device`` is refused."""
    new = {k: v for k, v in legacy_bdm.items() if k in _LEGACY_COPIED}
    virtual_name = legacy_bdm.get("virtual_name")
    if virtual_name and (virtual_name == "swap" or _is_ephemeral(virtual_name)):
        new["source_type"] = "blank"
        new["delete_on_termination"] = True
        new["destination_type"] = "local"
        new["guest_format"] = "swap" if virtual_name == "swap" else DEFAULT_EPHEMERAL_FORMAT
    elif legacy_bdm.get("snapshot_id"):
        new["source_type"] = "snapshot"
        new["destination_type"] = "volume"
    elif legacy_bdm.get("volume_id"):
        new["source_type"] = "volume"
        new["destination_type"] = "volume"
    elif not legacy_bdm.get("no_device"):
        raise _invalid("Unrecognized legacy format.")
    return block_device_dict(new)


def _is_ephemeral(name: str) -> bool:
    suffix = name.removeprefix("ephemeral")
    return suffix != name and suffix.isdigit() and (suffix == "0" or suffix[0] != "0")


def strip_dev(device_name: str | None) -> str | None:
    """``block_device.strip_dev``."""
    return device_name.removeprefix("/dev/") if device_name else device_name


def from_legacy_mapping(
    legacy: list[dict[str, Any]], image_uuid: str, root_device_name: str, no_root: bool
) -> list[dict[str, Any]]:
    """``block_device.from_legacy_mapping``: the legacy mappings in the new format, with a
    boot device: the one named as the root device (then volume-backed), else an image
    mapping at boot index 0 for `image_uuid`, or with no image the first non-blank mapping.
    `no_root` (the image's own mappings have the root): every mapping boot index -1."""
    new_bdms = [from_legacy(bdm) for bdm in legacy]
    if no_root:
        for bdm in new_bdms:
            bdm["boot_index"] = -1
        return new_bdms
    image_bdm = None
    if not root_device_name and not image_uuid:
        non_blank = [bdm for bdm in new_bdms if bdm.get("source_type") != "blank"]
        if non_blank:
            non_blank[0]["boot_index"] = 0
    else:
        volume_backed = False
        root = strip_dev(root_device_name)
        for bdm in new_bdms:
            if bdm.get("source_type") in ("volume", "snapshot", "image") and (
                strip_dev(bdm.get("device_name")) == root
            ):
                bdm["boot_index"] = 0
                volume_backed = True
            elif not bdm.get("no_device"):
                bdm["boot_index"] = -1
            else:
                bdm["boot_index"] = None
        if not volume_backed and image_uuid:
            image_bdm = create_image_bdm(image_uuid)
    return ([image_bdm] if image_bdm else []) + new_bdms


def create_image_bdm(image_ref: str) -> dict[str, Any]:
    """``block_device.create_image_bdm``: the image as the local root disk."""
    return block_device_dict(
        {
            "source_type": "image",
            "image_id": image_ref,
            "delete_on_termination": True,
            "boot_index": 0,
            "device_type": "disk",
            "destination_type": "local",
        }
    )


def device_letter(device_name: str | None) -> str | None:
    """``block_device.get_device_letter``: the name less ``/dev/``, its ``vd``/``xvd``/``sd``/
    ``hd`` prefix and its digits (``/dev/vda1`` -> ``a``)."""
    if not device_name:
        return device_name
    return _DIGITS.sub("", _PREFIX.sub("", strip_dev(device_name) or ""))


_PREFIX = re.compile("^((x?v|s|h)d)")
_DIGITS = re.compile(r"\d+")


def check_local_devices(bdms: list[dict[str, Any]], flavor: Any) -> None:
    """``_validate_bdm``'s end: ephemeral disks within the flavor's ephemeral size, at most
    one swap disk and within the flavor's swap, at most ``max_local_block_devices`` local
    disks (its default, 3)."""
    local = ephemeral = 0
    swaps = []
    for bdm in bdms:
        if bdm.get("destination_type") != "local":
            continue
        local += 1
        if bdm.get("source_type") != "blank":
            continue
        if bdm.get("guest_format") == "swap":
            swaps.append(bdm)
        else:
            ephemeral += bdm.get("volume_size") or flavor.ephemeral_gb
    if ephemeral > flavor.ephemeral_gb:
        raise exception.InvalidBDMEphemeralSize()
    if len(swaps) > 1:
        raise _invalid("More than one swap drive requested.")
    if swaps and (swaps[0].get("volume_size") or 0) > flavor.swap:
        raise exception.InvalidBDMSwapSize()
    if local > MAX_LOCAL_BLOCK_DEVICES:
        raise exception.InvalidBDMLocalsLimit()


def is_swap(bdm: dict[str, Any]) -> bool:
    """``new_format_is_swap``."""
    return (
        bdm.get("source_type") == "blank"
        and bdm.get("destination_type") == "local"
        and bdm.get("guest_format") == "swap"
    )


def is_local_ephemeral(bdm: dict[str, Any]) -> bool:
    """``new_format_is_ephemeral``."""
    return (
        bdm.get("source_type") == "blank"
        and bdm.get("destination_type") == "local"
        and bdm.get("guest_format") != "swap"
    )
