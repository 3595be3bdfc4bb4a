"""``GET /manageable_volumes[/detail]`` (3.8, ``mv.MANAGE_EXISTING_LIST``; before, and still,
the ``os-volume-manage`` extension's ``GET /os-volume-manage[/detail]``; cinderclient
``cinder manageable-list``, ``openstack block storage volume manageable list``): what a
backend holds that an operator may adopt, as ``api/v3/resource_common_manage.py``,
``api/contrib/resource_common_manage.py``, ``api/contrib/volume_manage.py``,
``api/views/manageable_volumes.py``, ``volume/api.py`` ``get_manageable_volumes`` /
``_get_service_by_host_cluster``, ``volume/manager.py`` ``get_manageable_volumes``,
``volume/volume_utils.py`` ``paginate_entries_list`` and the LVM and RBD drivers'
``get_manageable_volumes`` give it (read in 12.0.10, 16.4.2 and 24.0.0: the same logic).

Admin only (``volume_extension:list_manageable``). ``host`` is required (from 3.17 exactly one
of ``host`` and ``cluster``: no service is clustered here, so a ``cluster`` finds none); its
backend (``extract_host(host, 'backend')``) must name a cinder-volume (``_filter_host``: the
first that matches; none: 404 "Service cinder-volume could not be found on host X.") that is
enabled and up (else 400 "Service is unavailable at this time."). Sorting by ``reference``
(its ``source-name``) or ``size`` only, ``asc`` or ``desc`` (default ``reference`` ``desc``);
``marker`` is a reference as JSON, ``limit`` and ``offset`` as every list. The service is
*called*: the listing is its driver's.

What a driver lists (`manageable_volumes`): LVM every logical volume of its volume group but the
snapshots, RBD every image of its pool, each as ``{"source-name": "volume-<id>"}`` with its
size in GiB: one a row on this backend knows is not safe ("already managed", its
``cinder_id``); one no row knows (`fakecloud.cinder.backends.Driver.leftovers`: a create that
outlived a force-delete, an ``os-unmanage``) is safe. No leftover here is attached (an
attached volume cannot be unmanaged), so none is "volume in use". The NFS and ``copy`` drivers
list nothing here (the ``copy`` driver, as one without ``get_manageable_volumes``, a list
that is empty; NFS's listing of its shares' files is not modelled).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.cinder import controllers, exception, faults, policy
from fakecloud.cinder.backends import MANAGEABLE_KINDS
from fakecloud.cinder.list_query import host_matches
from fakecloud.cinder.paging import first_values, page_params, sort_params
from fakecloud.sim.rpc import MessagingTimeout

MANAGE_EXISTING_LIST = Version.parse("3.8")
MANAGE_EXISTING_CLUSTER = Version.parse("3.17")
VALID_SORT_KEYS = ("reference", "size")
VALID_SORT_DIRS = ("asc", "desc")


def get_cluster_host(
    req: Request, params: dict[str, Any], since: Version = MANAGE_EXISTING_CLUSTER
) -> tuple[str | None, str | None]:
    """``common.get_cluster_host`` with the microversion `since` which ``cluster`` counts."""
    if req.microversion >= since:
        cluster = params.get("cluster")
        msg = "One and only one of cluster and host must be set."
    else:
        cluster = None
        msg = "Host field is missing."
    host = params.get("host")
    if bool(cluster) == bool(host):
        raise exception.InvalidInput(reason=msg)
    return cluster, host


def service_backend(cinder: Any, host: str | None, cluster: str | None) -> str:
    """``API._get_service_by_host_cluster``: the backend of the cinder-volume service `host`
    names (or `cluster`: none here), which must be enabled and up."""
    from fakecloud.cinder.services_api import VOLUME_BINARY, service_rows

    if cluster:
        raise exception.NotFound(f"Service {VOLUME_BINARY} could not be found.")
    wanted = host.partition("#")[0]  # extract_host(host, 'backend')
    for kind, name, up, disabled, _reason, _updated in service_rows(cinder):
        if kind == VOLUME_BINARY and host_matches(name, wanted):
            if disabled or not up:
                raise exception.Invalid("Service is unavailable at this time.")
            return name.partition("@")[2]
    raise exception.NotFound(f"Service {VOLUME_BINARY} could not be found on host {wanted}.")


def index(service: Any, req: Request) -> Generator:
    """``VolumeManageController.index`` (v3): the summary list."""
    return _listed(service, req, detail=False, since=MANAGE_EXISTING_LIST)


def detail(service: Any, req: Request) -> Generator:
    """``VolumeManageController.detail`` (v3): the detailed list."""
    return _listed(service, req, detail=True, since=MANAGE_EXISTING_LIST)


def contrib_index(service: Any, req: Request) -> Generator:
    """``os-volume-manage``'s ``index`` (any microversion)."""
    return _listed(service, req, detail=False, since=None)


def contrib_detail(service: Any, req: Request) -> Generator:
    """``os-volume-manage``'s ``detail`` (any microversion)."""
    return _listed(service, req, detail=True, since=None)


def _listed(service: Any, req: Request, detail: bool, since: Version | None) -> Generator:
    return listed(service, req, since, "get_manageable_volumes", "manageable-volumes",
                  lambda entry: _view(entry, detail))  # fmt: skip


def listed(
    service: Any, req: Request, since: Version | None, method: str, key: str, view: Any
) -> Generator:
    """``resource_common_manage.get_manageable_resources`` (``_get_resources`` from `since`
    on the v3 path): the checks, then `method` called on the backend's service, each entry
    shown by `view`, the list under `key`."""
    if since is not None and req.microversion < since:
        raise controllers.not_found()  # _ensure_min_version: VersionNotFoundForAPIMethod
    cinder = service.cinder
    policy.authorize(req.context, "volume_extension:list_manageable", None, cinder.policy_rules)
    params = first_values(req)
    cluster, host = get_cluster_host(req, params)
    page = page_params(req)
    keys, dirs = sort_params(params) or (["reference"], ["desc"])
    if "sort" not in params and "sort_key" not in params:
        keys = ["reference"]  # get_sort_params(default_key='reference')
    bad = [name for name in keys if name not in VALID_SORT_KEYS]
    if bad:
        raise exception.InvalidParameterValue(err=f"Invalid sort keys passed: {', '.join(bad)}")
    bad = [d for d in dirs if d not in VALID_SORT_DIRS]
    if bad:
        raise exception.InvalidParameterValue(err=f"Invalid sort dirs passed: {', '.join(bad)}")
    backend = service_backend(cinder, host, cluster)
    try:
        entries = yield from cinder.kernel.rpc.call(
            cinder.volume_target(backend),
            method,
            marker=page.marker,
            limit=page.limit,
            offset=page.offset,
            sort_keys=keys,
            sort_dirs=dirs,
        )
    except MessagingTimeout:
        raise HttpError(500, faults.GENERIC[500]) from None
    except exception.InvalidInput as exc:
        if since is not None:  # the v3 path lets the RemoteError reach FaultWrapper
            raise HttpError(500, faults.GENERIC[500]) from None
        raise exception.Invalid(str(exc)) from None
    return Response(200, {key: [view(e) for e in entries]})


def _view(entry: dict[str, Any], detail: bool) -> dict[str, Any]:
    """``api/views/manageable_volumes.py`` ``summary`` or ``detail``."""
    if not detail:
        keys = ("reference", "size", "safe_to_manage")
    else:
        keys = ("reference", "size", "safe_to_manage", "reason_not_safe", "cinder_id",
                "extra_info")  # fmt: skip
    return {key: entry[key] for key in keys}


def manageable_volumes(
    cinder: Any, driver: Any, marker: Any, limit: int, offset: int, keys: list, dirs: list
) -> list[dict[str, Any]]:
    """The driver's ``get_manageable_volumes``: what its backend holds, paged as
    ``paginate_entries_list``."""
    if driver.spec.kind not in MANAGEABLE_KINDS:
        return []
    pool_host = f"{cinder.config.host}@{driver.name}#{driver.name}"
    entries = [
        manageable_entry(f"volume-{v.id}", v.size, v.id)
        for v in cinder.store.volumes.values()
        if v.host == pool_host and driver.holds(v.id)
    ]
    for name, size in (driver.leftovers or {}).items():
        if name.startswith("volume-"):
            entries.append(manageable_entry(name, size, None))
    return paginate_entries_list(entries, marker, limit, offset, keys, dirs)


def manageable_entry(name: str, size: int, cinder_id: str | None) -> dict[str, Any]:
    """One entry of a driver's listing: `name` on the backend, already managed by row
    `cinder_id`, or (None) safe to manage."""
    return {
        "reference": {"source-name": name},
        "size": size,
        "safe_to_manage": cinder_id is None,
        "reason_not_safe": None if cinder_id is None else "already managed",
        "cinder_id": cinder_id,
        "extra_info": None,
    }


def paginate_entries_list(
    entries: list[dict], marker: Any, limit: int, offset: int, keys: list, dirs: list
) -> list[dict]:
    """``volume_utils.paginate_entries_list``: sorted by `keys` (a dict by its smallest
    value), then from after `marker` (a reference, as JSON) skip `offset`, take `limit`."""

    def value(entry: dict, key: str) -> Any:
        found = entry[key.strip()]
        return sorted(found.values())[0] if isinstance(found, dict) else found

    def comparer(left: dict, right: dict) -> int:
        for key, direction in zip(keys, dirs, strict=False):
            lv, rv = value(left, key), value(right, key)
            if lv == rv:
                continue
            if direction == "asc":
                return -1 if lv < rv else 1
            return -1 if lv > rv else 1
        return 0

    ordered = sorted(entries, key=functools.cmp_to_key(comparer))
    start = 0
    if marker:
        try:
            wanted = json.loads(marker)
        except ValueError:
            raise exception.InvalidInput(
                reason=f"marker {marker} can not be analysed, please use json like format"
            ) from None
        start = next((i + 1 for i, e in enumerate(ordered) if e["reference"] == wanted), -1)
        if start < 0:
            raise exception.InvalidInput(reason=f"marker not found: {wanted!r}")
    return ordered[start + offset : start + limit + offset]


#: The routes (``api/v3/router.py`` ``manageable_volumes``; the extension's resource).
ROUTES = (
    ("GET", "manageable_volumes/detail", detail),
    ("GET", "manageable_volumes", index),
    ("GET", "os-volume-manage/detail", contrib_detail),
    ("GET", "os-volume-manage", contrib_index),
)
