"""Memory encryption (AMD SEV; ``hw:mem_encryption``, the image's ``hw_mem_encryption``) as
Nova's API checks it at a create, a rebuild and a resize, and the scheduling it asks
(nova 20.0.0 on: ``virt/hardware.py`` ``get_mem_encryption_constraint``, called first by
``compute/api.py`` ``_validate_flavor_image_numa_pci``, ``_validate_flavor_image_mem_encryption``
before 26.0.0; ``scheduler/utils.py`` ``ResourceRequest``' memory encryption request).

`check`: nothing unless the flavor (``bool_from_string``) or the image asks it. Then a flavor
and an image that both say and disagree is ``FlavorImageConflict`` ("Flavor F has
hw:mem_encryption extra spec explicitly set to <flavor's text>, conflicting with image <name>
which has hw_mem_encryption property explicitly set to <True|False>"); an image without
``hw_firmware_type=uefi`` ``FlavorImageConflict`` naming who asked; an image
``hw_machine_type`` without ``q35`` ``InvalidMachineType``. From 32.0.0 the model
(``hw:mem_encryption_model``/``hw_mem_encryption_model``: ``amd-sev``, ``amd-sev-es``; 34.0.0
also ``amd-sev-snp``, ``intel-tdx``) may not differ between the two (``FlavorImageConflict``)
and a flavor's model none of the release's is Nova's ``Invalid`` (`ModelInvalid`: the create's
and rebuild's 500, the resize's "Invalid instance image."). 34.0.0 (``MemEncryptionConfig``)
reads the model before the firmware and machine type, words the firmware refusal anew, names
the model in the machine type's reason, and wants stateless firmware
(``hw_firmware_stateless``) for ``amd-sev-snp`` and ``intel-tdx``
(``StatelessFirmwareRequired``); its locked memory (``needs_locked_memory``, read by
``get_locked_memory_constraint``) changes no answer of the API.

The image's name and id: a create's Glance image has both; a root volume's image metadata and
a resize's image (the server's system metadata) have neither. Up to 26.x the messages read
them unguarded (``image_meta.name``: 20.0.0-23.x the image requester's name, from 24.0.0 its
id): a missing one is oslo.versionedobjects' ``NotImplementedError`` "Cannot load 'name' in
the base class", Nova's 500 (`AttributeUnset`); from 27.0.0 the name is None where missing,
from 30.0.0 and 29.4.0 the id ``<no-id>`` (LP #2041511, `ID_GUARDED`), the uefi refusal
adding "or volume-backed instance was requested" (27.0.0-33.x).

No compute here offers ``MEM_ENCRYPTION_CONTEXT``: a server asking memory encryption finds no
host (`asks_encryption`, `fakecloud.nova.scheduler`). The 400s are ``INVALID_FLAVOR_IMAGE_
EXCEPTIONS`` (20.0.0 on). The PMU's conflict, checked next, is `fakecloud.nova.pmu`'s. A
server asking it runs here only once rebuilt onto an image asking it (a rebuild skips
placement, and the libvirt driver's ``_sev_enabled`` is False on a host without SEV, so the
guest runs unencrypted); its suspend and live migration are refused by
``compute.api.reject_sev_instances``, which runs `check`. Not modelled: the guest's
``<launchSecurity>`` and locked memory. Nova refuses no snapshot of such a server; the
snapshot copies the image's ``hw_mem_encryption``.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception
from fakecloud.profiles.provenance import Backport, Change

#: The first Nova with memory encryption (Train: b4905467db).
SINCE = (20, 0, 0)
#: Where the image requester is its id, not its name (24.0.0: e98994027f).
REQUESTER_ID_SINCE = (24, 0, 0)
#: Where a missing image name reads None and the uefi refusal names volume-backed servers
#: (27.0.0: 54faea0196, "Fix logging in MemEncryption-related checks").
NAME_GUARDED_SINCE = (27, 0, 0)
#: Where a missing image id reads ``<no-id>`` (LP #2041511).
ID_GUARDED = Change(
    "30.0.0",
    "e6f8bf5ff5",
    "hardware: Fix image_meta.id within get_mem_encryption_constraint",
    backports=(Backport("29.4.0", "32f2fcfc3a"),),
)
#: The first Nova reading a model (``MemEncryptionModel``: 4f5a3f3c00, SEV-ES), and 34.0.0's
#: ``MemEncryptionConfig`` classes (a04c92378d).
MODEL_SINCE = (32, 0, 0)
CONFIG_SINCE = (34, 0, 0)
_FIRMWARE_ORIGINAL = (
    "Memory encryption requested by %(requesters)s but image %(image_name)s doesn't have "
    "'hw_firmware_type' property set to 'uefi'"
)
_FIRMWARE_OR_VOLUME = _FIRMWARE_ORIGINAL + " or volume-backed instance was requested"
_FIRMWARE_34 = (
    "Memory encryption is requested by %(requesters)s but the image metadata doesn't have "
    "the 'hw_firmware_type' property set to 'uefi'"
)
_CONFLICT = (
    "Flavor %(flavor_name)s has hw:%(key)s extra spec explicitly set to %(flavor_val)s, "
    "conflicting with image %(image_name)s which has hw_%(key)s property explicitly set to "
    "%(image_val)s"
)


def models(version: tuple) -> tuple[str, ...]:
    """``MemEncryptionModel.ALL`` of release `version` (none before 32.0.0)."""
    if version >= CONFIG_SINCE:
        return ("amd-sev", "amd-sev-es", "amd-sev-snp", "intel-tdx")
    if version >= MODEL_SINCE:
        return ("amd-sev", "amd-sev-es")
    return ()


class AttributeUnset(exception.NovasOwn500, NotImplementedError):
    """``ImageMeta.name`` (or ``id``) read where the image metadata has none: Nova's 500."""

    real_class_path = "NotImplementedError"


class ModelInvalid(exception.NovasOwn500, Exception):
    """``exception.Invalid`` "Invalid memory encryption model ..." (32.0.0 on), which only the
    resize's ``except exception.Invalid`` catches (400 "Invalid instance image.")."""

    real_class_path = "nova.exception.Invalid"


def _bool(value: Any) -> bool | None:
    from oslo_utils import strutils

    return None if value is None else strutils.bool_from_string(value)


def asks_encryption(flavor: Any, image_props: dict[str, Any]) -> bool:
    """Whether the flavor or the image asks memory encryption."""
    return bool(
        _bool((flavor.extra_specs or {}).get("hw:mem_encryption"))
        or _bool(image_props.get("hw_mem_encryption"))
    )


def check(
    flavor: Any,
    image_meta: dict[str, Any] | None,
    props: dict[str, Any],
    version: tuple,
    release: Any = None,
) -> None:
    """``get_mem_encryption_constraint`` of `flavor` and the image (`image_meta`, its
    properties `props`), as the API runs it in `release` (of `version`)."""
    if version < SINCE:
        return
    specs = flavor.extra_specs or {}
    flavor_text = specs.get("hw:mem_encryption")
    flavor_asks, image_asks = _bool(flavor_text), _bool(props.get("hw_mem_encryption"))
    if not flavor_asks and not image_asks:
        return
    meta = image_meta or {}

    def name() -> Any:
        if "name" in meta:
            return meta["name"]
        if version >= NAME_GUARDED_SINCE:
            return None
        raise AttributeUnset("Cannot load 'name' in the base class")

    def ident() -> Any:
        if "id" in meta:
            return meta["id"]
        if release is not None and ID_GUARDED.reaches(release):
            return "<no-id>"
        raise AttributeUnset("Cannot load 'id' in the base class")

    if flavor_asks is not None and image_asks is not None and flavor_asks != image_asks:
        raise exception.FlavorImageConflict(
            _CONFLICT
            % {
                "flavor_name": flavor.name,
                "key": "mem_encryption",
                "flavor_val": flavor_text,
                "image_name": name(),
                "image_val": image_asks,
            }
        )
    requesters = []
    if flavor_asks:
        requesters.append(f"hw:mem_encryption extra spec in {flavor.name} flavor")
    if image_asks:
        image = ident() if version >= REQUESTER_ID_SINCE else name()
        requesters.append(f"hw_mem_encryption property of image {image}")
    if version >= CONFIG_SINCE:
        model = _model(flavor, specs, props, version, name, ident)
        _firmware(requesters, props, version, name)
        _machine_type(props, f"q35 type is required for {model} to work", name, ident)
        if model in ("amd-sev-snp", "intel-tdx") and not _bool(props.get("hw_firmware_stateless")):
            raise exception.StatelessFirmwareRequired(
                f"The {model} memory encryption model requires stateless firmware but the "
                "image metadata doesn't have the 'hw_firmware_stateless' property set to True"
            )
        return
    _firmware(requesters, props, version, name)
    _machine_type(props, "q35 type is required for SEV to work", name, ident)
    if version >= MODEL_SINCE:
        _model(flavor, specs, props, version, name, ident)


def _firmware(requesters: list[str], props: dict[str, Any], version: tuple, name: Any) -> None:
    """``_check_mem_encryption_uses_uefi_image`` (34.0.0: ``_check_firmware_type``)."""
    if props.get("hw_firmware_type") == "uefi":
        return
    joined = " and ".join(requesters)
    if version >= CONFIG_SINCE:
        raise exception.FlavorImageConflict(_FIRMWARE_34 % {"requesters": joined})
    text = _FIRMWARE_OR_VOLUME if version >= NAME_GUARDED_SINCE else _FIRMWARE_ORIGINAL
    raise exception.FlavorImageConflict(text % {"requesters": joined, "image_name": name()})


def _machine_type(props: dict[str, Any], reason: str, name: Any, ident: Any) -> None:
    """``_check_mem_encryption_machine_type``: an image's machine type must be a q35 one."""
    machine = props.get("hw_machine_type")
    if machine is None or "q35" in machine:
        return
    # the name read before the id in every release (the keyword arguments' order)
    image_name = name()
    raise exception.InvalidMachineType(
        mtype=machine, image_id=ident(), image_name=image_name, reason=reason
    )


def _model(
    flavor: Any, specs: dict[str, Any], props: dict[str, Any], version: tuple, name: Any, ident: Any
) -> str:
    """The model (32.0.0 on): the flavor's and the image's may not differ; the image's wins;
    ``amd-sev`` by default; one the release does not know `ModelInvalid`."""
    flavor_model = specs.get("hw:mem_encryption_model")
    image_model = props.get("hw_mem_encryption_model")
    if flavor_model is not None and image_model is not None and flavor_model != image_model:
        raise exception.FlavorImageConflict(
            _CONFLICT
            % {
                "flavor_name": flavor.name,
                "key": "mem_encryption_model",
                "flavor_val": flavor_model,
                "image_name": name(),
                "image_val": image_model,
            }
        )
    model = image_model or flavor_model
    if image_model:
        ident()  # the requester's text reads the image id
    if not model:
        return "amd-sev"
    known = models(version)
    if model not in known:
        raise ModelInvalid(
            f"Invalid memory encryption model {model!r}. Allowed values: {', '.join(known)}."
        )
    return model
