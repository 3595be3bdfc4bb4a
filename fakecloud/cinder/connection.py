"""A volume's connection info: the one builder behind ``os-initialize_connection`` and the
attachments API (``cinder/volume/manager.py`` 12.0.10 to 29.0.0).

Both paths ask the driver's ``initialize_connection`` (`Driver.initialize_connection`:
``{"driver_volume_type", "data"[, more]}``) and complete its ``data`` with
``_parse_connection_options``, in this order: ``qos_specs`` (the volume type's QoS specs for
a front-end consumer, `fakecloud.cinder.qos_specs.front_end_specs`; else null),
``access_mode``, ``encrypted`` unless the driver set it (the iSCSI target does), ``cacheable``
from `CACHEABLE_SINCE`. Then:

- ``os-initialize_connection`` (`initialize`): the manager adds the connector's
  ``enforce_multipath`` to ``data`` from `ENFORCE_MULTIPATH_SINCE`, and the controller adds it
  beside ``data`` too;
- the attachments API (`flatten`, ``_connection_create``): ``data``'s keys first, then the
  driver's other keys (``driver_volume_type``, NFS's ``mount_point_base``), then
  ``attachment_id``, and from `ENFORCE_MULTIPATH_SINCE` the connector's ``enforce_multipath``.

``access_mode`` is the volume's admin metadata ``attached_mode``, else ``ro`` when its
``readonly`` is ``"True"``, else ``rw``: the metadata as the volume object holds it. The API
loads admin metadata only for an admin's context (``Volume._get_expected_attrs``), and the
manager's lazy load gives anyone else none (``obj_load_attr``), so a non-admin caller's
connection is always ``rw``, whatever the attachment's mode.
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception
from fakecloud.cinder.faults import GENERIC
from fakecloud.cinder.qos_specs import front_end_specs

#: The first Cinder whose connection info says whether the volume is ``cacheable``
#: (afcaf0b9d "Add support volume local cache", 17.0.0).
CACHEABLE_SINCE = 17
#: The first Cinder whose connection info carries the connector's ``enforce_multipath``
#: (0c3c7b7bb "Add 'enforce_multipath' in connection_properties", 26.0.0).
ENFORCE_MULTIPATH_SINCE = 26


def check_connector(needs: str | None, connector: Any) -> None:
    """The driver's ``validate_connector``: `needs` (a driver's ``connector_needs``; None wants
    nothing) must be in `connector`, else ``InvalidInput`` (the iSCSI target's
    ``InvalidConnectorException``, a 400 through the API). A connector ``in`` cannot read
    raises its ``TypeError``."""
    if needs and needs not in connector:
        raise exception.InvalidInput(reason=f"Connector doesn't have required information: {needs}")


def cacheable(volume: Any) -> bool:
    """``_parse_connection_options``' ``cacheable`` (from `CACHEABLE_SINCE`): the volume type's
    extra spec says ``<is> True``."""
    return volume.volume_type.extra_specs.get("cacheable") == "<is> True"


def access_mode(cinder: Any, volume: Any, context: Any) -> str:
    """``_parse_connection_options``' access mode, from the admin metadata the caller's
    `context` lets the volume object hold (none but an admin's)."""
    if not context.is_admin:
        return "rw"
    admin = cinder.store.volume_admin_metadata(volume.id)
    return admin.get("attached_mode") or ("ro" if admin.get("readonly") == "True" else "rw")


def _parsed(cinder: Any, volume: Any, connector: Any, context: Any) -> dict[str, Any]:
    """The driver's ``initialize_connection`` as ``_parse_connection_options`` completes it."""
    if not volume.backend:
        info: dict[str, Any] = {"driver_volume_type": None, "data": {}}
    else:
        driver = cinder.drivers[volume.backend]
        driver.create_export(volume)
        info = driver.initialize_connection(volume, connector)
    data = info["data"]
    data["qos_specs"] = front_end_specs(cinder, volume)
    data["access_mode"] = access_mode(cinder, volume, context)
    if data.get("encrypted") is None:
        data["encrypted"] = volume.encryption_key_id is not None
    if cinder.kernel.switches.series.cinder >= CACHEABLE_SINCE:
        data["cacheable"] = cacheable(volume)
    return info


def initialize(cinder: Any, volume: Any, connector: Any, context: Any) -> dict[str, Any]:
    """The answer of os-initialize_connection (the manager's ``initialize_connection`` and the
    controller's ``enforce_multipath``). From `ENFORCE_MULTIPATH_SINCE` a connector without
    ``get`` (a string) fails there, outside any ``try``: the API's generic 500."""
    info = _parsed(cinder, volume, connector, context)
    if cinder.kernel.switches.series.cinder >= ENFORCE_MULTIPATH_SINCE:
        if not isinstance(connector, dict):
            raise exception.Explained(GENERIC[500])
        info["data"]["enforce_multipath"] = multipath = connector.get("enforce_multipath", False)
        info["enforce_multipath"] = multipath
    return info


def flatten(
    cinder: Any, volume: Any, connector: dict[str, Any], context: Any, attachment_id: str
) -> dict[str, Any]:
    """The connection info of ``_connection_create`` (the attachments API): the parsed info
    with ``data``'s keys brought up front, ``attachment_id`` and, from
    `ENFORCE_MULTIPATH_SINCE`, ``enforce_multipath`` after them."""
    info = _parsed(cinder, volume, connector, context)
    flat = info.pop("data")
    flat.update(info)
    flat["attachment_id"] = attachment_id
    if cinder.kernel.switches.series.cinder >= ENFORCE_MULTIPATH_SINCE:
        flat["enforce_multipath"] = connector.get("enforce_multipath", False)
    return flat
