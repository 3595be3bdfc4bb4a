"""A replicating backend: an ``rbd`` backend with ``replication_device`` (``RBDDriver``, 12.0.0
on: ``_do_setup_replication``, ``_setup_volume``, ``_update_volume_stats``; the volume
manager's ``_post_rpc_initialization``).

Each entry of ``replication_device`` names a target by its ``backend_id``. The backend then
reports ``replication_enabled: true`` and ``replication_targets`` (``default``, its own
cluster, then each target), and its cinder-volume service's ``replication_status`` is
``enabled`` (the manager copies the driver's ``replication_enabled`` there once its RPC
server is up). A volume it creates (blank, from a snapshot, a clone, from an image) has the
driver's model update: ``replication_status`` ``enabled`` when its type has
``replication_enabled='<is> True'``, else ``disabled``. A backend without the key stays as
before: its volumes' ``replication_status`` null (Cinder's create flow computes one but
``EntryCreateTask`` does not store it), its service's ``disabled``.
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception

#: ``RBDDriver``'s ``EXTRA_SPECS_REPL_ENABLED`` value that asks for a replicated volume.
REPLICATED_SPEC = "<is> True"


def devices(spec: Any) -> tuple[tuple[tuple[str, Any], ...], ...]:
    """A backend's ``replication_device`` entries, each as its ``(key, value)`` pairs in the
    order configured (none: ``()``)."""
    return getattr(spec, "replication_device", ())


def targets(spec: Any) -> tuple[str, ...]:
    """The ``backend_id`` of each replication target of a backend's spec (none: ``()``)."""
    return tuple(dict(device)["backend_id"] for device in devices(spec))


def stats_targets(spec: Any) -> list[str]:
    """``_target_names``: ``default`` (the backend's own cluster), then each target."""
    return ["default", *targets(spec)]


def is_replicated_type(volume_type: Any) -> bool:
    """``RBDDriver._is_replicated_type``: the type's ``replication_enabled`` is ``<is> True``
    (exactly: RBD compares the string)."""
    specs = getattr(volume_type, "extra_specs", None) or {}
    return specs.get("replication_enabled") == REPLICATED_SPEC


#: The first RBD driver with multiattach (4bafdb942 "RBD: add support for multiattach", 14.0.0;
#: not in 13.0.x): its ``_setup_volume`` refuses a type that asks for both.
EXCLUSIVE_FROM = 14
EXCLUSIVE = "Replication and Multiattach are mutually exclusive."
#: ``strutils.TRUE_STRINGS``.
_TRUE_WORDS = ("1", "t", "true", "on", "y", "yes")


def is_boolean_str(spec: Any) -> bool:
    """``volume_utils.is_boolean_str``: ``<is>`` and a true word."""
    words = spec.split() if isinstance(spec, str) else []
    return len(words) == 2 and words[0] == "<is>" and words[1].lower() in _TRUE_WORDS


def setup_volume(spec: Any, volume: Any, major: int, new_type: Any = None) -> dict[str, Any]:
    """``RBDDriver._setup_volume`` (a create; a retype with `new_type`, as ``retype`` did it
    inline in 12.x-13.x): the model update, ``replication_status`` ``enabled`` when the type
    turns replication on, ``disabled`` when it turns it off or never had it on a backend with
    targets; nothing when both types replicate. From 14.0.0 a type with both
    ``replication_enabled`` and ``multiattach`` is ``RBDDriverException``."""
    if getattr(spec, "kind", None) != "rbd":
        return {}
    vtype = volume.volume_type if new_type is None else new_type
    had = new_type is not None and is_replicated_type(volume.volume_type)
    want = is_replicated_type(vtype)
    if want and major >= EXCLUSIVE_FROM and getattr(vtype, "multiattach", False):
        raise exception.RBDDriverException(reason=EXCLUSIVE)
    if want and not had:
        return {"replication_status": "enabled"}
    if had and not want or not want and targets(spec):
        return {"replication_status": "disabled"}
    return {}


def created(spec: Any, volume: Any, major: int) -> None:
    """The driver's model update of a volume it made (``_setup_volume``)."""
    for key, value in setup_volume(spec, volume, major).items():
        setattr(volume, key, value)


def retyped_status(old_type: Any, new_type: Any) -> str | None:
    """``VolumeManager._set_replication_status``: when the types' ``replication_enabled``
    differ and the driver's update named no status, ``enabled`` if the new one is
    ``is_boolean_str``, else ``disabled`` (10.0.0-29.0.0); None: no change."""
    old = (getattr(old_type, "extra_specs", None) or {}).get("replication_enabled")
    new = (getattr(new_type, "extra_specs", None) or {}).get("replication_enabled")
    if old == new:
        return None
    return "enabled" if is_boolean_str(new) else "disabled"


def service_status(spec: Any) -> str:
    """The cinder-volume service's ``replication_status`` (``_post_rpc_initialization``)."""
    return "enabled" if targets(spec) else "disabled"


def status_of(cinder: Any, host: str) -> tuple[str, str | None]:
    """A cinder-volume service's ``(replication_status, active_backend_id)``: as its driver
    reports until a failover (`fakecloud.cinder.failover`) changes them."""
    states = cinder.replication_states
    if states and host in states:
        return states[host]
    return service_status(cinder.drivers[host.split("@", 1)[1]].spec), None


def set_status(cinder: Any, host: str, status: str, active: str | None) -> None:
    """Set a cinder-volume service's ``replication_status`` and ``active_backend_id``."""
    if cinder.replication_states is None:
        cinder.replication_states = {}
    cinder.replication_states[host] = (status, active)
