"""``GET /resource_filters`` (3.33; openstacksdk's ``block_storage.resource_filters()``,
cinderclient's ``list-filters``, ``openstack block storage resource filter list``): the list
filters a non-admin may give, as ``api/v3/resource_filters.py``, ``api/v3/views/
resource_filters.py`` and ``api/common.py`` ``get_enabled_resource_filters`` serve them
(12.0.10 to 29.0.0 alike) from the series' default ``etc/cinder/resource_filters.json``.

Any authenticated caller may read it (no policy). ``?resource=X`` gives X's entry alone, and
an X the file has not an empty list (the ``KeyError`` is caught); an empty ``resource`` is
every entry. Entries come in the file's order. Below 3.33 the bare 404 of a method the
version lacks.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.microversion import Version
from fakecloud.cinder.controllers import not_found

#: ``mv.RESOURCE_FILTER_CONFIG``.
RESOURCE_FILTER_CONFIG = Version.parse("3.33")


def filters_file(major: int) -> dict[str, tuple[str, ...]]:
    """The series' default ``resource_filters.json``, in its order: 12.x; ``volume_type`` []
    in 13.0.0; groups' ``name`` and ``volume_type`` ``is_public`` in 14.0.0 (80e94ac3d);
    volumes' ``size`` in 15.0.0 (b7a7ac7b5); ``created_at``/``updated_at`` in 16.0.0
    (7e98d14a5); ``consumes_quota`` and ``extra_specs`` in 19.0.0 (ec44fc899, 084212711),
    unchanged since."""
    volume = ("name", "status", "metadata", "bootable", "migration_status")
    volume += ("availability_zone", "group_id")
    if major >= 15:
        volume += ("size",)
    if major >= 16:
        volume += ("created_at", "updated_at")
    quota = ("consumes_quota",) if major >= 19 else ()
    entries: dict[str, tuple[str, ...]] = {
        "volume": volume + quota,
        "backup": ("name", "status", "volume_id"),
        "snapshot": ("name", "status", "volume_id", "metadata", "availability_zone", *quota),
        "group": ("name",) if major >= 14 else (),
        "group_snapshot": ("name", "status", "group_id") if major >= 14 else ("status", "group_id"),
        "attachment": ("volume_id", "status", "instance_id", "attach_status"),
        "message": ("resource_uuid", "resource_type", "event_id", "request_id", "message_level"),
        "pool": ("name", "volume_type"),
    }
    if major >= 19:
        entries["volume_type"] = ("is_public", "extra_specs")
    elif major >= 13:
        entries["volume_type"] = ("is_public",) if major >= 14 else ()
    return entries


def index(service: Any, req: Request) -> Response:
    """``ResourceFiltersController.index`` (3.33+)."""
    if not req.microversion >= RESOURCE_FILTER_CONFIG:
        raise not_found()
    entries = filters_file(service.cinder_major)
    values = req.query.get("resource") or [None]
    resource = values[-1]
    if resource:
        entries = {resource: entries[resource]} if resource in entries else {}
    body = [{"resource": name, "filters": list(keys)} for name, keys in entries.items()]
    return Response(200, {"resource_filters": body})


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (("GET", "resource_filters", index),)
