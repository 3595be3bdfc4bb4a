"""The search options of ``GET /servers[/detail]`` (``ServersController._get_servers``, the same
steps in nova 17.0.13, 20.6.0, 29.2.0 and 34.0.0), after the query schema
(`server_list_query`) and the list policy:

1. each parameter's last value; a caller without ``servers:allow_all_filters`` (an admin has
   it) keeps only the options of ``_get_server_search_options`` for its microversion, the
   others are dropped silently (an admin loses only paging and sorting);
2. a joined table (``metadata``, ``system_metadata``...) or a name starting ``_``: 400
   "Invalid filter field: X.";
3. ``status`` (every value): the vm and task states it stands for; none: 400 "Invalid status
   value" from 2.38, an empty list before; ``DELETED`` alone lists deleted servers (an
   admin's; 403 "Only administrators may list deleted instances" for others);
4. ``changes-since``/``changes-before`` as times (400 when before is earlier); without either,
   and without an admin's ``deleted``, live servers only;
5. tag filters split at commas (2.26); ``all_tenants`` and ``locked`` (2.73) as booleans
   (400 "Invalid input received: Unrecognized value ..."); without ``all_tenants`` the
   caller's project only (``tenant_id`` dropped);
6. `sort_params`: every ``sort_key`` and ``sort_dir`` in order (default ``created_at``
   ``desc``), the keys Nova ignores dropped with their direction, ``host``/``node`` an
   admin's only (403 "Only administrators can sort servers by host").
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request
from fakecloud.nova import exception, states
from fakecloud.nova.api import schemas, server_list_query
from fakecloud.nova.api.wsgi import unexpected_error
from fakecloud.nova.compute.instance_filters import normalize_time
from fakecloud.nova.policies import SERVERS

JOINED = (
    "block_device_mapping", "services", "metadata", "system_metadata", "info_cache",
    "security_groups", "pci_devices",
)  # fmt: skip
"""``JOINED_TABLE_QUERY_PARAMS_SERVERS``."""
PAGING_SORTING = ("sort_key", "sort_dir", "limit", "marker")
"""``PAGING_SORTING_PARAMS``: what an admin's options lose."""
TAG_FILTERS = ("tags", "tags-any", "not-tags", "not-tags-any")
_BASE = ("reservation_id", "name", "status", "image", "flavor", "ip", "changes-since")
_BY_VERSION = (
    ("2.5", ("ip6",)),
    ("2.26", TAG_FILTERS),
    ("2.66", ("changes-before",)),
    ("2.73", ("locked",)),
    ("2.83", (
        "availability_zone", "config_drive", "key_name", "created_at", "launched_at",
        "terminated_at", "power_state", "task_state", "vm_state", "progress", "user_id",
    )),
    ("2.90", ("hostname",)),
)  # fmt: skip


def allowed(version: Any) -> tuple[str, ...]:
    """``_get_server_search_options``: what a caller without ``allow_all_filters`` may filter
    by at `version` (``all_tenants`` too: its own policy decides)."""
    names = (*_BASE, "all_tenants")
    for minimum, added in _BY_VERSION:
        if version >= minimum:
            names += added
    return names


def search_options(req: Request, policy: Any, kind: str) -> tuple[dict[str, Any], bool] | None:
    """Nova's ``search_opts`` and ``all_tenants`` for the list request `req` (`kind`:
    ``index`` or ``detail``), or None when Nova answers an empty list at once."""
    ctx = req.context
    opts = {name: values[-1] for name, values in req.query.items() if values}
    if policy.authorize(ctx, SERVERS % "allow_all_filters", fatal=False):
        for name in PAGING_SORTING:
            opts.pop(name, None)
    else:
        keep = allowed(req.microversion)
        opts = {name: value for name, value in opts.items() if name in keep}
    for name in opts:
        if name in JOINED or name.startswith("_"):
            raise HttpError(400, f"Invalid filter field: {name}.")
    opts.pop("status", None)
    if "status" in req.query:
        vms, tasks = states.task_and_vm_state_from_status(req.query["status"])
        if not vms and not tasks:
            if req.microversion >= "2.38":
                raise HttpError(400, "Invalid status value")
            return None
        opts["vm_state"] = sorted(vms)
        if "default" not in tasks:
            opts["task_state"] = sorted(tasks, key=str)
    _changes_window(opts)
    if "deleted" not in opts:
        if "changes-since" not in opts and "changes-before" not in opts:
            opts["deleted"] = False
    else:
        from oslo_utils import strutils  # on use: its import compiles ~400 regexes

        opts["deleted"] = strutils.bool_from_string(opts["deleted"], default=False)
    if opts.get("vm_state") == [states.DELETED]:
        if not ctx.is_admin:
            raise HttpError(403, "Only administrators may list deleted instances")
        opts["deleted"] = True
    if req.microversion >= "2.26":
        for name in TAG_FILTERS:
            if name in opts:
                opts[name] = opts[name].split(",")
    all_tenants = _all_tenants(opts)
    opts.pop("all_tenants", None)
    if "locked" in opts:
        opts["locked"] = _boolean(opts["locked"], strict=True)
    if all_tenants:
        policy.authorize(ctx, SERVERS % f"{kind}:get_all_tenants")
    else:
        opts.pop("tenant_id", None)
        opts["project_id"] = ctx.project_id
    return opts, all_tenants


def _changes_window(opts: dict[str, Any]) -> None:
    """The changes times, parsed and compared as given (aware: at 2.1 and later the schema
    has checked their form); the database normalizes them (`instance_filters.matcher`)."""
    for name in ("changes-since", "changes-before"):
        if name in opts:
            opts[name] = schemas.parse_isotime(opts[name])
            if opts[name] is None:  # only on /v2, where no schema checked it
                raise HttpError(400, f"Invalid filter field: {name}.")
    since, before = opts.get("changes-since"), opts.get("changes-before")
    if since and before and before < since:
        raise HttpError(
            400, "The value of changes-since must be less than or equal to changes-before."
        )


def normalized_window(since: Any, before: Any, nova: Any) -> tuple[Any, Any]:
    """A changes window as the database query compares it (`normalize_time`: naive UTC), or
    Nova's 500 for a time it cannot normalize (instance actions' and migrations' DB calls)."""
    try:
        return (since and normalize_time(since)), (before and normalize_time(before))
    except OverflowError as exc:
        raise unexpected_error(exc, nova.kernel.switches.api_support_string) from None


def _all_tenants(opts: dict[str, Any]) -> bool:
    """``common.is_all_tenants``: present and empty is true."""
    value = opts.get("all_tenants")
    if value:
        return _boolean(value, strict=True)
    return "all_tenants" in opts


def _boolean(value: str, strict: bool) -> bool:
    try:
        from oslo_utils import strutils  # on use: its import compiles ~400 regexes

        return strutils.bool_from_string(value, strict=strict)
    except ValueError as err:
        raise HttpError(400, exception.InvalidInput(reason=str(err)).format_message()) from None


COLUMNS = frozenset((
    "id", "user_id", "project_id", "image_ref", "kernel_id", "ramdisk_id", "hostname",
    "launch_index", "key_name", "key_data", "power_state", "vm_state", "task_state",
    "memory_mb", "vcpus", "root_gb", "ephemeral_gb", "ephemeral_key_uuid", "host", "node",
    "compute_id", "instance_type_id", "user_data", "reservation_id", "launched_at",
    "terminated_at", "availability_zone", "display_name", "display_description",
    "launched_on", "locked", "locked_by", "os_type", "architecture", "vm_mode", "uuid",
    "root_device_name", "default_ephemeral_device", "default_swap_device", "config_drive",
    "access_ip_v4", "access_ip_v6", "auto_disk_config", "progress", "shutdown_terminate",
    "disable_terminate", "cell_name", "cleaned", "hidden", "created_at", "updated_at",
    "deleted_at", "deleted",
))  # fmt: skip
"""The columns of Nova's ``instances`` table (``models.Instance``, 34.0.0): what oslo.db's
``paginate_query`` can sort by (any other key is its ``InvalidSortKey``)."""


def sortable(keys: list[str], switches: Any) -> bool:
    """Whether the release's database can sort by every one of `keys` (only a ``/v2`` list,
    which no query schema checks, can ask for another): `COLUMNS` less ``hidden`` before
    20.0.0 and ``compute_id`` before 28.0.0 (the switches ``instance_hidden_filter`` and
    ``instance_compute_id`` say when the columns came)."""
    missing = set()
    if switches.instance_hidden_filter == "ignored":
        missing.add("hidden")
    if not switches.instance_compute_id:
        missing.add("compute_id")
    return all(key in COLUMNS and key not in missing for key in keys)


def sort_params(req: Request) -> tuple[list[str], list[str]]:
    """``common.get_sort_params`` then ``remove_invalid_sort_keys``: the sort keys and
    directions the list passes on (the database checks the directions)."""
    keys = [value.strip() for value in req.query.get("sort_key", ())] or ["created_at"]
    dirs = [value.strip() for value in req.query.get("sort_dir", ())] or ["desc"]
    ignored = server_list_query.IGNORED_SORT_KEYS
    if req.microversion >= "2.73":
        ignored = tuple(key for key in ignored if key != "locked")
    for key in list(keys):
        if key in ignored:
            if len(dirs) > keys.index(key):
                dirs.pop(keys.index(key))
            keys.pop(keys.index(key))
        elif key in ("host", "node") and not req.context.is_admin:
            raise HttpError(403, f"Only administrators can sort servers by {key}")
    return keys, dirs
