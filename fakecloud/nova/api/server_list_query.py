"""The query schemas of ``GET /servers`` and ``/servers/detail`` (Nova's ``index_query``).

From ``nova/api/openstack/compute/schemas/servers.py`` (``query_params_v21``/``v226`` in
17.0.7, ``index_query``/``_v226``/``_v266``/``_v273``/``_v275`` in 34.0.0, the same
parameters): every parameter is a list of strings, checked per value; the regex filters must
compile (``format: regex``: not empty either), ``changes-since`` and ``changes-before`` (2.66)
are ISO 8601 times, ``limit`` a non-negative integer and ``sort_key`` one of the valid keys
(``locked`` valid from 2.73, the keys Nova ignores refused from 2.75). Unknown parameters pass
until 2.75, and the list never sees them (`checked`); ``/v2`` checks none of this. Nova checks
the query before anything else the list does (the policy included).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fakecloud.nova.api import schemas

_STRINGS = {"type": "array", "items": {"type": "string"}}
_REGEX = {"type": "array", "items": {"type": "string", "format": "regex"}}
_TIME = {"type": "array", "items": {"type": "string", "format": "date-time"}}

PLAIN = (
    "user_id", "project_id", "tenant_id", "launch_index", "image_ref", "image", "vm_state",
    "task_state", "host", "uuid", "sort_dir", "all_tenants", "soft_deleted", "deleted",
    "status", "block_device_mapping", "services", "metadata", "system_metadata",
    "info_cache", "security_groups", "pci_devices", "marker",
)  # fmt: skip
"""``common_query_param`` parameters (values unchecked), the joined-table names and
``marker``."""
REGEX = (
    "kernel_id", "ramdisk_id", "hostname", "key_name", "power_state", "node", "flavor",
    "reservation_id", "launched_at", "terminated_at", "availability_zone", "name",
    "display_name", "description", "display_description", "locked_by", "root_device_name",
    "config_drive", "access_ip_v4", "access_ip_v6", "auto_disk_config", "progress", "ip",
    "ip6", "created_at",
)  # fmt: skip
"""``common_query_regex_param`` parameters."""
TAGS = ("tags", "tags-any", "not-tags", "not-tags-any")
"""2.26's tag filters (regex parameters)."""
IGNORED_SORT_KEYS = (
    "architecture", "cell_name", "cleaned", "default_ephemeral_device",
    "default_swap_device", "deleted", "deleted_at", "disable_terminate", "ephemeral_gb",
    "ephemeral_key_uuid", "id", "key_data", "launched_on", "locked", "memory_mb", "os_type",
    "reservation_id", "root_gb", "shutdown_terminate", "user_data", "vcpus", "vm_mode",
)  # fmt: skip
"""``SERVER_LIST_IGNORE_SORT_KEY``: accepted as sort keys, and ignored, until 2.75."""
SORT_KEYS = (
    "access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone", "config_drive",
    "created_at", "display_description", "display_name", "host", "hostname", "image_ref",
    "instance_type_id", "kernel_id", "key_name", "launch_index", "launched_at", "locked_by",
    "node", "power_state", "progress", "project_id", "ramdisk_id", "root_device_name",
    "task_state", "terminated_at", "updated_at", "user_id", "uuid", "vm_state",
)  # fmt: skip
"""``VALID_SORT_KEYS`` less the ignored ones (Nova builds the 2.73 and 2.75 lists from sets,
so their order in its message varies from process to process; fakecloud's is this one)."""


def _tier(version: Any) -> int:
    """The minor version whose schema serves `version`: 1, 26, 66, 73 or 75."""
    for minor in (75, 73, 66, 26):
        if version >= f"2.{minor}":
            return minor
    return 1


@cache
def _validator(tier: int) -> schemas.QueryValidator:
    properties: dict[str, Any] = dict.fromkeys(PLAIN, _STRINGS)
    properties.update(dict.fromkeys(REGEX, _REGEX))
    properties["changes-since"] = _TIME
    properties["limit"] = {"type": "array", "items": schemas.non_negative_integer}
    if tier >= 26:
        properties.update(dict.fromkeys(TAGS, _REGEX))
    if tier >= 66:
        properties["changes-before"] = _TIME
    if tier >= 73:
        properties["locked"] = _STRINGS
        ignored = [key for key in IGNORED_SORT_KEYS if key != "locked"]
        keys = ["locked", *SORT_KEYS] + (ignored if tier < 75 else [])
    else:
        keys = [*SORT_KEYS, *IGNORED_SORT_KEYS]
    properties["sort_key"] = {"type": "array", "items": {"type": "string", "enum": keys}}
    schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": tier < 75,
        "patternProperties": {"^_": _STRINGS},
    }
    return schemas.QueryValidator(schema)


def checked(query: dict[str, list[str]], version: Any, legacy_v2: int = 0) -> dict[str, list[str]]:
    """The query the list reads: Nova's ``@validation.query_schema`` of microversion `version`
    (a 400 for the first value it refuses), then ``_strip_additional_query_parameters``: only
    the schema's parameters and names starting ``_`` are kept (before 2.75 the others pass the
    schema and are dropped; an admin's ``changes-before`` at 2.1 filters nothing). On the
    legacy v2 pipeline (`legacy_v2`, `fakecloud.api.http.Request.legacy_v2`) every release
    skips these schemas (their ``min_version`` is 2.1) and strips nothing: the list checks
    what it reads itself (``Invalid filter field: changes-since.``, ``get_pagination_params``)
    and an admin's unknown parameters reach the database's filters."""
    if legacy_v2:
        return query
    validator = _validator(_tier(version))
    validator.validate(query)
    known = validator.schema["properties"]
    if all(name in known for name in query):
        return query
    return {name: values for name, values in query.items() if name in known or name[:1] == "_"}
