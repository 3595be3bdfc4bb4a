"""The ``same_host`` and ``different_host`` scheduler hints: ``SameHostFilter`` and
``DifferentHostFilter`` (nova 17.0.13 and 34.0.0 ``nova/scheduler/filters/affinity_filter.py``,
the same code in both, with ``utils.instance_uuids_overlap``).

Neither filter is in Nova's default ``[filter_scheduler] enabled_filters``, so a cloud
ignores both hints unless its operator lists the filter (devstack's ``lib/nova`` does, and
``fakecloud serve --tempest-config`` does as devstack): `NovaConfig.enabled_filters`. A host
passes ``SameHostFilter`` when it holds one of the hinted servers, ``DifferentHostFilter``
when it holds none; the servers a host holds are those claimed there (``HostState.instances``,
``InstanceList.get_by_host``). Every scheduling runs them, a move's too (a rebuild would not:
``RUN_ON_REBUILD = False``, and fakecloud's rebuild does not schedule), and a forced host
skips them as it skips every filter.

    >>> Cloud(config={"nova": {"enabled_filters": ["SameHostFilter", "DifferentHostFilter"]}})
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SAME_HOST = "SameHostFilter"
DIFFERENT_HOST = "DifferentHostFilter"
#: The filters of this module, by the hint each reads.
HINTS = {SAME_HOST: "same_host", DIFFERENT_HOST: "different_host"}


def hint_filter(nova: Any, instance_uuid: str | None) -> Callable[[str], bool] | None:
    """Whether a host passes the enabled ones of the two filters for `instance_uuid`'s
    hints (``get_scheduler_hint``: a hint absent or empty passes every host); None when no
    enabled filter has a hint to apply."""
    enabled = nova.config.enabled_filters
    if not enabled or instance_uuid is None:
        return None
    hints = nova.scheduler_hints.get(instance_uuid)
    if not hints:
        return None
    same = hints.get("same_host") if SAME_HOST in enabled else None
    different = hints.get("different_host") if DIFFERENT_HOST in enabled else None
    if not same and not different:
        return None
    db = nova.db

    def overlap(host: str, uuids: list[str]) -> bool:
        return any(row.uuid in uuids for row in db.instances_on_host(host))

    def passes(host: str) -> bool:
        if same and not overlap(host, same):
            return False
        return not (different and overlap(host, different))

    return passes
